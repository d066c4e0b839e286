/**
 * Shared plumbing of the `gainlab` commands: the io the commands write to (so tests can run them
 * in-process), a small strict option parser whose errors list the valid options, and reading and
 * writing network directories (W.npy, x0.npy, readout.npy — the layout of the published data).
 *
 * Exit codes: 0 success, 1 unexpected failure, 2 bad arguments or bad input files (one line on
 * stderr).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeNpy, NpyError, parseNpy } from '../src-shared/formats/npy.js';
import { validateNetwork, type Network, type Readout } from '../src-shared/model/network.js';
import { firstNonFiniteSample, resampleTarget, targetSpread } from '../src-shared/model/targets.js';
import { modelValueProblem } from '../src-shared/project/validate.js';
import { packageVersion } from '../src-main/services/appVersion.js';
import { folderProblem, makeFoldersSync } from '../src-main/services/makeFolders.js';

declare const __GAINLAB_VERSION__: string | undefined;

/**
 * GainLab's version as `gainlab --version` prints it and recipes, summaries and reports record it: set by the bundler in gainlab.mjs (which
 * runs far from any package.json, e.g. copied to a cluster), else from package.json.
 */
export function gainlabVersion(): string {
  return typeof __GAINLAB_VERSION__ === 'string' ? __GAINLAB_VERSION__ : packageVersion(import.meta.url);
}

export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** Directory relative paths resolve against (default process.cwd()). */
  cwd?: string;
  /** Polled by long commands; true ends them early with the partial result written. */
  shouldStop?: () => boolean;
}

/** A usage or input problem: reported as one line on stderr, exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    /** For argument errors: the valid options, appended to the same line. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type OptionType = 'string' | 'number' | 'integer' | 'flag';

export interface OptionSpec {
  type: OptionType;
  description: string;
  /** Placeholder in the usage text, e.g. DIR. */
  value?: string;
  required?: boolean;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  default?: string | number | boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** The files the command writes, listed after the options: where (e.g. 'to --out DIR') and each file with its shape and meaning. */
  writes?: { where: string; files: [file: string, what: string][] };
}

/** The options part of a command's usage line: "--out DIR [--jobs K] [--wait]". */
export function optionsSynopsis(spec: CommandSpec): string {
  return Object.entries(spec.options)
    .map(([name, o]) => {
      const text = o.type === 'flag' ? `--${name}` : `--${name} ${o.value ?? (o.choices ? o.choices.join('|') : 'VALUE')}`;
      return o.required ? text : `[${text}]`;
    })
    .join(' ');
}

export function usageText(spec: CommandSpec): string {
  const lines = [`usage: gainlab ${spec.name} ${optionsSynopsis(spec)}`.trimEnd(), '', spec.summary, '', 'options:'];
  for (const [name, o] of Object.entries(spec.options)) {
    const head = o.type === 'flag' ? `--${name}` : `--${name} ${o.value ?? (o.choices ? o.choices.join('|') : 'VALUE')}`;
    const tail = o.default !== undefined ? ` (default ${String(o.default)})` : o.required ? ' (required)' : '';
    lines.push(`  ${head.padEnd(30)} ${o.description}${tail}`);
  }
  lines.push(`  ${'--help'.padEnd(30)} show this help`);
  if (spec.writes) {
    lines.push('', `writes ${spec.writes.where}:`);
    for (const [file, what] of spec.writes.files) lines.push(`  ${file.padEnd(30)} ${what}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line naming every option of a command, e.g. "valid options: --n N, --seed S (gainlab soc --help)". */
export function optionsLine(spec: CommandSpec): string {
  const list = Object.entries(spec.options)
    .map(([name, o]) => (o.type === 'flag' ? `--${name}` : `--${name} ${o.value ?? (o.choices ? o.choices.join('|') : 'VALUE')}`))
    .join(', ');
  // a command without options (sweep status DIR) says so instead of an empty list
  return list ? `valid options: ${list} (see gainlab ${spec.name} --help)` : `it takes no options (see gainlab ${spec.name} --help)`;
}

export type ParsedOptions = Record<string, string | number | boolean | undefined>;

/**
 * Parse `--name value`, `--name=value` and `--flag`. Unknown options, missing values, bad numbers,
 * values outside `choices`, stray positional arguments and missing required options throw CliError
 * carrying the command's usage text. Returns null when --help/-h was given.
 */
export function parseOptions(spec: CommandSpec, argv: string[]): ParsedOptions | null {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  const usage = optionsLine(spec);
  const parsed: ParsedOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new CliError(`gainlab ${spec.name}: unexpected argument '${arg}'`, usage);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const option = spec.options[name];
    if (!option) throw new CliError(`gainlab ${spec.name}: unknown option --${name}`, usage);
    if (option.type === 'flag') {
      if (eq >= 0) throw new CliError(`gainlab ${spec.name}: --${name} takes no value`, usage);
      parsed[name] = true;
      continue;
    }
    let text: string;
    if (eq >= 0) text = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new CliError(`gainlab ${spec.name}: --${name} needs a value`, usage);
      text = argv[++i];
    }
    if (option.type === 'string') {
      if (text === '') throw new CliError(`gainlab ${spec.name}: --${name} needs a value`, usage);
      if (option.choices && !option.choices.includes(text)) {
        throw new CliError(`gainlab ${spec.name}: --${name} must be one of ${option.choices.join(', ')}, got '${text}'`, usage);
      }
      parsed[name] = text;
    } else {
      const value = text.trim() === '' ? NaN : Number(text);
      if (!Number.isFinite(value)) throw new CliError(`gainlab ${spec.name}: --${name} must be a number, got '${text}'`, usage);
      if (option.type === 'integer' && !Number.isSafeInteger(value)) {
        throw new CliError(`gainlab ${spec.name}: --${name} must be an integer, got '${text}'`, usage);
      }
      parsed[name] = value;
    }
  }
  for (const [name, option] of Object.entries(spec.options)) {
    if (parsed[name] === undefined) {
      if (option.required) throw new CliError(`gainlab ${spec.name}: --${name} is required`, usage);
      if (option.default !== undefined) parsed[name] = option.default;
    }
  }
  return parsed;
}

export function resolvePath(io: CliIo, file: string): string {
  return path.resolve(io.cwd ?? process.cwd(), file);
}

/** Read and parse an .npy file; missing, unreadable or malformed files → CliError. */
export function readNpyFile(file: string, what: string): { shape: number[]; data: Float64Array } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${what}: ${file} not found` : `${what}: cannot read ${file} (${code ?? String(error)})`);
  }
  try {
    const { shape, data } = parseNpy(bytes);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new CliError(`${what}: ${file} holds a non-finite value at index ${i}`);
    }
    // the bound a project file's W, x0, readout, targets and gains have (project/validate.ts)
    const beyond = modelValueProblem(data);
    if (beyond) throw new CliError(`${what}: ${file} ${beyond.message}`);
    return { shape, data };
  } catch (error) {
    if (error instanceof NpyError) throw new CliError(`${what}: ${file} is not a valid .npy file (${error.message})`);
    throw error;
  }
}

/** Write a file (its folder made as needed); an unwritable path (a folder, no permission) → CliError. */
function writeOutput(file: string, content: string | Uint8Array): void {
  try {
    makeFoldersSync(path.dirname(file));
    writeFileSync(file, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot write ${file} (${code === 'EISDIR' ? 'it is a directory' : folderProblem(error)})`);
  }
}

export function writeNpyFile(file: string, data: Float64Array, shape: number[]): void {
  writeOutput(file, encodeNpy(data, shape));
}

export function writeJsonFile(file: string, value: unknown): void {
  writeOutput(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function ensureOutputDir(dir: string): void {
  try {
    makeFoldersSync(dir);
  } catch (error) {
    throw new CliError(`cannot create output directory ${dir} (${folderProblem(error)})`);
  }
}

/** An array's shape as NumPy prints it (`a.shape`): (200,) for one axis, (3, 200) for two. */
export function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * Load a network directory: W.npy (n × n, n even, first n/2 excitatory), x0.npy (n) and, unless
 * `needReadout` is false, readout.npy (1 + n/2 values, or channels × (1 + n/2); offset first).
 */
export function loadNetworkDir(dir: string, needReadout = true): Network {
  const W = readNpyFile(path.join(dir, 'W.npy'), 'network W');
  if (W.shape.length !== 2 || W.shape[0] !== W.shape[1]) {
    throw new CliError(`network W: ${path.join(dir, 'W.npy')} must be square (n × n), got shape ${shapeText(W.shape)}`);
  }
  const n = W.shape[0];
  if (n < 2 || n % 2 !== 0) throw new CliError(`network W: n must be even (first half excitatory), got ${n}`);
  const nE = n / 2;
  const x0 = readNpyFile(path.join(dir, 'x0.npy'), 'network x0');
  if (x0.data.length !== n || x0.shape.length > 2) {
    throw new CliError(`network x0: ${path.join(dir, 'x0.npy')} must hold n = ${n} values, got shape ${shapeText(x0.shape)}`);
  }
  let readout: Readout = { channels: 1, weights: new Float64Array(1 + nE) };
  if (needReadout) {
    const r = readNpyFile(path.join(dir, 'readout.npy'), 'network readout');
    const columns = 1 + nE;
    const channels = r.shape.length === 1 ? 1 : r.shape.length === 2 ? r.shape[0] : -1;
    const width = r.shape.length === 1 ? r.shape[0] : r.shape.length === 2 ? r.shape[1] : -1;
    if (channels < 1 || width !== columns) {
      throw new CliError(
        `network readout: ${path.join(dir, 'readout.npy')} must have shape (${columns},) or (channels, ${columns}) (offset first, then ${nE} E weights), got ${shapeText(r.shape)}`,
      );
    }
    readout = { channels, weights: r.data };
  }
  const network: Network = { n, nE, W: W.data, x0: x0.data, readout };
  const problem = validateNetwork(network);
  if (problem) throw new CliError(`network ${dir}: ${problem}`);
  return network;
}

function checkTargetSpread(file: string, values: Float64Array, channels: number, nSamples: number): void {
  // the normalised error divides by the target's spread about each channel's mean (dynamics.ts)
  const spread = targetSpread(values, channels, nSamples);
  if (!(spread > 0 && Number.isFinite(spread))) {
    throw new CliError(
      `target: ${file} ${spread === 0 ? 'does not vary (every channel is flat)' : 'has values too large to square'}; the error is measured relative to the target's spread about its mean, which must be a positive finite number`,
    );
  }
}

/** A target read for a network's time grid: its values on that grid, its channels, and the samples it had if it was resampled. */
export interface TargetOnGrid {
  values: Float64Array;
  channels: number;
  resampledFrom: number | null;
}

/**
 * A command without --resample (experiment, reproduce): its name, for the refusal of a target of
 * another length, which then says to resample the file beforehand instead of naming an option the
 * command lacks.
 */
export interface WithoutResampleOption {
  command: string;
}

/**
 * Load a target for a network's time grid (`grid`: its samples over its duration), with `channels`
 * channels (or as many as the file has: fit-readout). The one target loader of every command. A
 * target of another length is refused in one line that says how to fix it; with `resample` true
 * (the commands' --resample) its K samples, evenly spaced over the movement, are resampled linearly
 * onto the grid, as the app imports a .npy target (src-shared/model/targets.ts resampleTarget).
 */
export function loadTargetOnGrid(
  file: string,
  channels: number | 'from file',
  grid: { nSamples: number; duration: number },
  resample: boolean | WithoutResampleOption,
): TargetOnGrid {
  const t = readNpyFile(file, 'target');
  const { nSamples } = grid;
  const fileChannels = t.shape.length === 1 ? 1 : t.shape.length === 2 ? t.shape[0] : -1;
  const width = t.shape.length === 1 ? t.shape[0] : t.shape.length === 2 ? t.shape[1] : -1;
  const wanted = channels === 'from file' ? null : channels;
  const shapeNeeded =
    wanted === null ? `must have shape (${nSamples},) or (channels, ${nSamples})` : wanted === 1 ? `must have shape (${nSamples},) or (1, ${nSamples}) to match the readout` : `must have shape (${wanted}, ${nSamples}) to match the readout`;
  const got = `got ${shapeText(t.shape)}`;
  if (fileChannels < 1 || width < 2 || (wanted !== null && fileChannels !== wanted)) throw new CliError(`target: ${file} ${shapeNeeded}, ${got}`);
  let values = t.data;
  if (width !== nSamples) {
    if (resample !== true) {
      const fix =
        resample === false
          ? `add --resample to resample its ${width} samples linearly onto that grid`
          : `${resample.command} takes targets on that grid only: resample its ${width} samples onto it beforehand (numpy.interp does so linearly)`;
      throw new CliError(`target: ${file} ${shapeNeeded} (the network's time grid: ${nSamples} samples over ${grid.duration} ms), ${got}; ${fix}`);
    }
    values = resampleTarget(t.data, fileChannels, { duration: grid.duration, nSamples: width }, grid);
    // finite values can still overflow in a + f·(b − a) (values near ±1.8e308)
    const bad = firstNonFiniteSample(values, nSamples);
    if (bad) throw new CliError(`target: ${file} cannot be resampled onto the ${nSamples}-sample grid: channel ${bad.channel + 1} has values too extreme (sample ${bad.sample + 1} would be ${values[bad.channel * nSamples + bad.sample]})`);
  }
  if (wanted !== null) checkTargetSpread(file, values, fileChannels, nSamples);
  return { values, channels: fileChannels, resampledFrom: width !== nSamples ? width : null };
}

/** A progress reporter: a bar redrawn in place on a TTY, plain lines (every ~10 %) otherwise. */
export function progressReporter(stream: CliStream, label: string, total: number): { update(done: number, detail: string): void; finish(done: number, detail: string): void } {
  const tty = stream.isTTY === true;
  let lastLine = -1;
  let lastDraw = 0;
  const render = (done: number, detail: string) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(100 * fraction)).padStart(3)}% ${done}/${total} ${detail}`;
  };
  return {
    update(done, detail) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r${render(done, detail)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (decile > lastLine) {
        lastLine = decile;
        stream.write(`${label}: ${done}/${total} ${detail}\n`);
      }
    },
    finish(done, detail) {
      if (tty) stream.write(`\r${render(done, detail)}\x1b[K\n`);
      else stream.write(`${label}: done ${detail}\n`);
    },
  };
}

/**
 * The task context of a CLI command (src-shared/tasks): progress drawn on stderr with the
 * command's bar (`detail` says what to show beside it), stop on Ctrl+C (io.shouldStop).
 */
export function cliTaskContext(
  bar: { update(done: number, detail: string): void },
  shouldStop: (() => boolean) | undefined,
  detail: (best: number | null) => string = (best) => (best === null ? '' : `best ${best.toPrecision(4)}`),
): import('../src-shared/tasks/context.js').TaskContext & { bestError(): number | null } {
  let best: number | null = null;
  let done = 0;
  return {
    shouldStop: () => shouldStop?.() ?? false,
    sessionStopRequested: () => false,
    progress(value) {
      done = value;
      bar.update(done, detail(best));
    },
    percent: () => undefined,
    message: () => undefined,
    point(_session, _trial, error) {
      if (Number.isFinite(error) && (best === null || error < best)) best = error;
    },
    snapshot: () => undefined,
    spectrum: () => undefined,
    bestError: () => best,
  };
}
