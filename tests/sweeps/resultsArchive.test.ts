/**
 * Collected sweep results (DIR/results.gainlab-sweep) are read with the bounded zip reader of
 * project files (src-shared/project/zipReader.ts), so there is one zip-reading path for what
 * GainLab opens: an archive written as `gainlab sweep collect` writes it (fflate's streaming Zip,
 * data descriptors, stored .npy files) reads; a zip bomb (declared small, inflating to 2 GiB), a
 * directory that lies about an entry's size, offset or checksum, and an entry declared larger than
 * GainLab reads are refused in one line, quickly and without the memory the bomb asks for.
 * (Before, fflate's unzipSync inflated the whole bomb, and accepted a short or mis-summed entry.)
 */
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src-shared/project/zipReader.js';
import { SWEEP_RESULTS_FORMAT, SWEEP_RESULTS_VERSION } from '../../src-shared/sweeps/record.js';
import { decodeResultsArchive, MAX_RESULTS_JSON_BYTES } from '../../src-shared/sweeps/results.js';
import { SweepError } from '../../src-shared/sweeps/schema.js';
import { messageProblem } from '../fuzz/fuzz.js';
import { deflatedZeros, forgeZip, honestEntry } from '../project/zipForge.js';

const document = strToU8(`${JSON.stringify({ format: SWEEP_RESULTS_FORMAT, formatVersion: SWEEP_RESULTS_VERSION, name: 'g', factorNames: ['seed'], tasks: [] })}\n`);
const sweepText = '{"schemaVersion":1,"name":"g"}\n';

/** An archive as `gainlab sweep collect` writes one: streamed, .npy stored, the text deflated. */
function collectedArchive(extraTasks = 0): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  const add = (name: string, bytes: Uint8Array, store: boolean) => {
    const entry = store ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(bytes, true);
  };
  add('tasks/0123456789abcdef/gains.npy', new Uint8Array(200).fill(7), true);
  const tiny = new Uint8Array(8);
  for (let k = 0; k < extraTasks; k++) add(`tasks/${k.toString(16).padStart(16, '0')}/e.npy`, tiny, true);
  add('results.csv', strToU8('index,id\n'), false);
  add('results.json', document, false);
  add('sweep.json', strToU8(sweepText), false);
  zip.end();
  return new Uint8Array(Buffer.concat(chunks));
}

/** The one-line refusal, and how long it took. */
function refusal(bytes: Uint8Array): { message: string; ms: number } {
  const started = performance.now();
  try {
    decodeResultsArchive(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SweepError);
    const message = (error as Error).message;
    expect(messageProblem(message)).toBeNull();
    return { message, ms: performance.now() - started };
  }
  throw new Error('accepted');
}

describe('collected sweep results through the bounded zip reader', () => {
  it('an archive written as sweep collect writes it (streamed, data descriptors) reads', () => {
    const results = decodeResultsArchive(collectedArchive());
    expect(results).toMatchObject({ name: 'g', factorNames: ['seed'], rows: [], sweepText });
  });

  it('a zip bomb declared small is refused after one inflate step, not inflated to its 2 GiB', () => {
    const bomb = forgeZip([{ name: 'results.json', data: deflatedZeros(2 * 2 ** 30), declaredSize: 100, crc: 0 }]);
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    const { message, ms } = refusal(bomb);
    expect(message).toBe('not a collected sweep (.gainlab-sweep is a zip): the zip is damaged: the entry results.json inflates to more than the 100 bytes its directory declares');
    // fflate's unzipSync inflated all of it into the 100-byte buffer: 1.3 s per 600 MiB here, so
    // ~4 s for this one; one step of the bounded reader is ~17 MiB (a few ms; 300 ms under load)
    expect(ms).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
  });

  it('an entry declared larger than GainLab reads is refused before it is inflated', () => {
    const big = forgeZip([{ name: 'results.json', data: deflatedZeros(1000), declaredSize: MAX_RESULTS_JSON_BYTES + 2 ** 20, crc: 0 }]);
    expect(refusal(big).message).toBe('not a collected sweep (.gainlab-sweep is a zip): results.json: the zip declares 257 MiB uncompressed, more than the 256 MiB GainLab reads of it');
    const sweep = forgeZip([honestEntry('results.json', document), { name: 'sweep.json', data: deflatedZeros(1000), declaredSize: 5 * 2 ** 20, crc: 0 }]);
    expect(refusal(sweep).message).toMatch(/^not a collected sweep \(\.gainlab-sweep is a zip\): sweep\.json: the zip declares 5 MiB uncompressed, more than the 4 MiB GainLab reads of it$/);
  });

  it('a central directory that lies (size, offset, checksum) is refused, never read as truncated or shifted data', () => {
    const honest = honestEntry('results.json', document);
    const cases: [string, Uint8Array, RegExp][] = [
      ['a declared size shorter than the data', forgeZip([{ ...honest, declaredSize: 10 }]), /the entry results\.json inflates to more than the 10 bytes its directory declares$/],
      ['a declared size longer than the data', forgeZip([{ ...honest, declaredSize: document.length + 50 }]), /the entry results\.json inflates to \d+ bytes, not the \d+ bytes its directory declares$/],
      ['a local header offset that points elsewhere', forgeZip([{ ...honest, offsetOverride: 5 }]), /the entry results\.json has no local header where the directory says$/],
      ['a wrong CRC-32', forgeZip([{ ...honest, crc: (crc32(document) ^ 1) >>> 0 }]), /the entry results\.json fails its checksum$/],
      ['an entry past the directory', forgeZip([{ ...honest, offsetOverride: 4000 }]), /the entry results\.json points past the start of the zip directory$/],
      ['an unsafe entry name', forgeZip([honest, honestEntry('../../etc/passwd', strToU8('x'))]), /an entry named "\.\.\/\.\.\/etc\/passwd", with a "\.\." part/],
    ];
    for (const [what, bytes, expected] of cases) expect(refusal(bytes).message, what).toMatch(expected);
  });

  it('more than 65 535 entries (a sweep of ~16 000+ tasks): fflate counts them modulo 65 536, and the archive still reads', () => {
    const archive = collectedArchive(70_000);
    const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
    const eocd = archive.length - 22;
    // what collect writes: 70 004 entries counted as 70 004 − 65 536
    expect(view.getUint16(eocd + 10, true)).toBe(70_004 - 65_536);
    const results = decodeResultsArchive(archive);
    expect(results.name).toBe('g');
    expect(results.sweepText).toBe(sweepText);
    // a count that disagrees with the directory, modulo 65 536, is a damaged archive
    view.setUint16(eocd + 8, 100, true);
    view.setUint16(eocd + 10, 100, true);
    expect(refusal(archive).message).toMatch(/the zip directory holds 70004 entries but its end record counts 100$/);
  });

  it('not a zip, or a zip cut short, is one line', () => {
    expect(refusal(strToU8('not a zip at all')).message).toBe('not a collected sweep (.gainlab-sweep is a zip): the file is not a zip archive');
    const archive = collectedArchive();
    expect(refusal(archive.subarray(0, archive.length - 30)).message).toMatch(/^not a collected sweep \(\.gainlab-sweep is a zip\): the zip is damaged: the zip archive is incomplete/);
  });
});
