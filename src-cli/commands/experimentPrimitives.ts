/**
 * `gainlab experiment fig4|supp3|fig6|supp5|fig8 --out DIR [--quick] [--seed S] [--net DIR]`:
 * the motor-primitive and speed experiments (model-spec §9–10). Writes to DIR: summary.json,
 * one CSV per table, one .npy per array, one SVG per figure (src-cli/svg/figures.ts). One JSON line (name, elapsed, files) on stdout.
 *
 * PRIMITIVE_EXPERIMENTS is the registry the general `experiment` command can delegate to;
 * `run` takes the experiment name as its first argument.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExperimentDefinition, ExperimentResult } from '../../src-shared/primitives/experimentSupport.js';
import { fig4 } from '../../src-shared/experiments/fig4.js';
import { supp3 } from '../../src-shared/experiments/supp3.js';
import { fig6 } from '../../src-shared/experiments/fig6.js';
import { supp5 } from '../../src-shared/experiments/supp5.js';
import { fig8 } from '../../src-shared/experiments/fig8.js';
import { renderFigureSvg } from '../svg/figures.js';
import { resultTextFiles, summaryJson } from '../../src-shared/experiments/figureData.js';
import { CliError, ensureOutputDir, loadNetworkDir, optionsLine, parseOptions, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec } from '../cliSupport.js';

export const PRIMITIVE_EXPERIMENTS: Record<string, ExperimentDefinition> = { fig4, supp3, fig6, supp5, fig8 };

export const spec: CommandSpec = {
  name: 'experiment',
  summary: `Run a motor-primitive / speed experiment (${Object.keys(PRIMITIVE_EXPERIMENTS).join(', ')}); data as CSV, .npy and summary.json.`,
  options: {
    out: { type: 'string', value: 'DIR', description: 'output directory', required: true },
    quick: { type: 'flag', description: 'small network, few targets and trials (well under a minute)' },
    seed: { type: 'integer', value: 'S', description: 'master seed', default: 1 },
    net: { type: 'string', value: 'DIR', description: 'use this network directory (W.npy, x0.npy, readout.npy) instead of a new SOC network' },
  },
};

/**
 * Write an experiment's result to dir: tables and extra CSV texts as .csv, arrays as .npy, figures
 * as SVG, and summary.json (which lists every file, itself included). Returns the file names.
 * Both `gainlab experiment` families (training figures and primitives/speed) write through this.
 */
export function writeExperimentResult(result: ExperimentResult & { csv?: { name: string; text: string }[] }, dir: string): string[] {
  ensureOutputDir(dir);
  const files: string[] = [];
  // tables and analysis CSVs: the same texts the app's "all data (.zip)" export holds
  for (const file of resultTextFiles(result)) {
    writeFileSync(path.join(dir, file.name), file.text);
    files.push(file.name);
  }
  for (const array of result.arrays) {
    writeNpyFile(path.join(dir, `${array.name}.npy`), array.data, array.shape);
    files.push(`${array.name}.npy`);
  }
  for (const figure of result.figures ?? []) {
    writeFileSync(path.join(dir, `${figure.name}.svg`), renderFigureSvg(figure));
    files.push(`${figure.name}.svg`);
  }
  files.push('summary.json');
  writeJsonFile(path.join(dir, 'summary.json'), summaryJson(result, files));
  return files;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const usage = `${usageText(spec)}\nexperiments:\n${Object.values(PRIMITIVE_EXPERIMENTS)
    .map((e) => `  ${e.name.padEnd(8)} ${e.description}`)
    .join('\n')}\n`;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage);
    return 0;
  }
  const definition = PRIMITIVE_EXPERIMENTS[name];
  if (!definition) {
    throw new CliError(`gainlab experiment: unknown experiment '${name}' (known: ${Object.keys(PRIMITIVE_EXPERIMENTS).join(', ')})`, optionsLine(spec));
  }
  const o = parseOptions(spec, rest);
  if (!o) {
    io.stdout.write(usage);
    return 0;
  }
  const outDir = resolvePath(io, o.out as string);
  const network = o.net ? loadNetworkDir(resolvePath(io, o.net as string)) : undefined;
  const result = definition.run({
    quick: Boolean(o.quick),
    seed: o.seed as number,
    network,
    onProgress: (message) => io.stderr.write(`${name}: ${message}\n`),
    shouldStop: io.shouldStop,
  });
  const files = writeExperimentResult(result, outDir);
  io.stdout.write(`${JSON.stringify({ name, quick: result.quick, elapsedMs: result.elapsedMs, stopped: result.stopped, out: outDir, files: files.length })}\n`);
  return 0;
}
