/**
 * Fuzzing target movement import: CSV text (importTargetCsv, the movement editor's import) and .npy
 * bytes (targetFromNpy, the target panel's import), mutated from valid exports. Each case must give
 * a target on the grid with finite values, or one line of the import's own error (TargetCsvError,
 * TargetFileError).
 */
import { describe, it } from 'vitest';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { generateTarget, importTargetCsv, TargetCsvError, targetToCsv, type TargetGrid } from '../../src-shared/model/targets.js';
import { targetFromNpy, TargetFileError } from '../../src-renderer/lib/targetFiles.js';
import { expectNoFailures, type Fuzz, mutateBytes, refusesCleanly, runCases } from './fuzz.js';

const grid: TargetGrid = { duration: 500, nSamples: 60 };
const reach = generateTarget(5, grid, 2);
const csv = targetToCsv(reach.values, 2, grid);

/** The values a successful import gives: channels × the grid's samples, all finite. */
function targetProblem(values: Float64Array, channels: number): string | null {
  if (!Number.isInteger(channels) || channels < 1) return `accepted with ${channels} channels`;
  if (values.length !== channels * grid.nSamples) return `accepted ${values.length} values for ${channels} channel(s) × ${grid.nSamples} samples`;
  const bad = values.findIndex((v) => !Number.isFinite(v));
  return bad >= 0 ? `accepted, but value ${bad} is ${values[bad]}` : null;
}

const CELLS = ['1e308', '-1e308', '1.7976931348623157e308', '1e-320', '-0', 'NaN', 'Infinity', '', '"', '""', '0x10', '1e', '.', '+.5', '9'.repeat(400), 'time', ' 1 ', '#1', '1;2', '1\t2'];

/** A line-level or cell-level mutation of CSV text, or bytes of it. */
function mutateCsv(text: string, fz: Fuzz): { text: string; description: string } {
  const lines = text.split('\n');
  const steps: string[] = [];
  const count = 1 + fz.int(3);
  for (let i = 0; i < count; i++) {
    const row = fz.int(lines.length);
    switch (fz.int(9)) {
      case 8: {
        // a whole column at the edge of the doubles, alternating in sign
        const col = fz.int(3);
        const value = fz.pick(['1e308', '1.7976931348623157e308', '5e-324']);
        for (let r = 1; r < lines.length; r++) {
          const cells = lines[r].split(',');
          if (col < cells.length) cells[col] = r % 2 === 0 ? value : `-${value}`;
          lines[r] = cells.join(',');
        }
        steps.push(`column ${col + 1} alternates ±${value}`);
        break;
      }
      case 0: {
        const cells = lines[row].split(',');
        const col = fz.int(cells.length);
        const cell = fz.pick(CELLS);
        cells[col] = cell;
        lines[row] = cells.join(',');
        steps.push(`line ${row + 1} column ${col + 1} = ${JSON.stringify(cell.slice(0, 20))}`);
        break;
      }
      case 1:
        lines.splice(row, 1);
        steps.push(`delete line ${row + 1}`);
        break;
      case 2: {
        const copies = fz.pick([1, 2, 1000]);
        lines.splice(row, 0, ...Array<string>(copies).fill(lines[row]));
        steps.push(`line ${row + 1} repeated ${copies} times`);
        break;
      }
      case 3: {
        const width = fz.pick([3, 65, 5000, 50_000]);
        lines[row] = Array.from({ length: width }, (_, k) => String(k % 7)).join(',');
        steps.push(`line ${row + 1} has ${width} cells`);
        break;
      }
      case 4: {
        const width = fz.pick([17, 65, 2000, 20_000]);
        for (let r = 0; r < lines.length; r++) lines[r] = `${lines[r]}${',1.5'.repeat(width)}`;
        steps.push(`${width} columns appended to every line`);
        break;
      }
      case 5: {
        const delimiter = fz.pick([';', '\t', ' ', '', '\r']);
        lines[row] = lines[row].split(',').join(delimiter);
        steps.push(`line ${row + 1} delimited by ${JSON.stringify(delimiter)}`);
        break;
      }
      case 6: {
        // the time column: equal, decreasing or extreme times
        const cells = lines[row].split(',');
        cells[0] = fz.pick(['0', '-1e308', '1e308', '1e-310', '5e-324', cells[0]]);
        lines[row] = cells.join(',');
        steps.push(`time of line ${row + 1} = ${cells[0]}`);
        break;
      }
      default: {
        const bytes = mutateBytes(new TextEncoder().encode(lines[row]), fz);
        lines[row] = new TextDecoder().decode(bytes.bytes);
        steps.push(`line ${row + 1}: ${bytes.description}`);
      }
    }
  }
  return { text: lines.join(fz.chance(0.1) ? '\r\n' : '\n'), description: steps.join('; ') };
}

describe('fuzzing target imports', () => {
  it('CSV text', async () => {
    const result = await runCases('target CSV', 515, 300, (fz) => {
      const mutated = mutateCsv(csv, fz);
      const timeColumn = fz.pick(['auto', 'first', 'none'] as const);
      return {
        description: `${mutated.description} (timeColumn ${timeColumn})`,
        run: (outcome) =>
          refusesCleanly(() => importTargetCsv(mutated.text, { ...grid, timeColumn }), TargetCsvError, (t) => targetProblem(t.values, t.channels), outcome),
      };
    });
    expectNoFailures(result);
  });

  it('.npy bytes, and .npy files of extreme shapes and values', async () => {
    const oneChannel = encodeNpy(reach.values.subarray(0, grid.nSamples), [grid.nSamples]);
    const timeMajor = encodeNpy(new Float64Array(100 * 3).fill(0.25), [100, 3]);
    const result = await runCases('target npy', 616, 250, (fz) => {
      if (fz.chance(0.3)) {
        // well-formed files with values or shapes at the edges
        const shape = fz.pick([[2], [1, 2], [65, 65], [64, 65], [65, 2], [2, 1], [0], [1, 0], [100000], [3, 1, 4]]);
        const size = shape.reduce((a, b) => a * b, 1);
        const fill = fz.pick([1e308, -1e308, 5e-324, 0, 1]);
        const data = Float64Array.from({ length: size }, (_, i) => (i % 2 === 0 ? fill : -fill));
        const bytes = encodeNpy(data, shape);
        return { description: `shape (${shape.join(', ')}) of ±${fill}`, run: (outcome) => refusesCleanly(() => targetFromNpy('t.npy', bytes, grid), TargetFileError, (t) => targetProblem(t.values, t.channels), outcome) };
      }
      const base = fz.chance(0.5) ? oneChannel : timeMajor;
      const headerEnd = 10 + (base[8] | (base[9] << 8));
      const mutated = mutateBytes(base, fz, [[0, headerEnd]]);
      return {
        description: mutated.description,
        run: (outcome) => refusesCleanly(() => targetFromNpy('t.npy', mutated.bytes, grid), TargetFileError, (t) => targetProblem(t.values, t.channels), outcome),
      };
    });
    expectNoFailures(result);
  });
});
