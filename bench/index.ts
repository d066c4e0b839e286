/**
 * GainLab benchmarks: `npm run bench` (built by electron-vite to out/main/bench.js) or, from
 * source, `npx tsx bench/index.ts`. Options:
 *   --only a,b     run only benchmarks whose name (or module name) contains one of these strings
 *   --out f.json   also write the JSON report to a file
 *   --repeats n    override every benchmark's repeat count
 *
 * Adding benchmarks: create bench/<area>.ts exporting
 *   import type { Benchmark } from './types.js';
 *   // (never import './index.js': it runs the suite)
 *   export const benchmarks: Benchmark[] = [{ name: 'soc.build_n200_ms', run: () => { ... }, repeats: 5 }];
 * Every bench/*.ts module except this one is picked up automatically (Vite's import.meta.glob in
 * the built bundle, a directory listing under tsx). For each benchmark the runner calls
 * `setup()` once, `run()` `warmup` times untimed, then `repeats` times timed, and reports the
 * median and min of the wall time (and of process CPU time, which is less disturbed by other
 * load on a shared machine), divided by `unitsPerRun` (e.g. trials per call). When `run()`
 * returns a number, that number (ms) is used as the wall measurement instead.
 * Modules without a `benchmarks` export are ignored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, arch, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './types.js';
import { enableWasmFeatures } from '../src-main/worker/wasmFeatures.js';

export type { Benchmark } from './types.js';

interface BenchResult {
  name: string;
  module: string;
  unit: NonNullable<Benchmark['unit']>;
  median: number;
  min: number;
  max: number;
  cpuMedian: number | null;
  n: number;
  note?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

async function loadModules(): Promise<Record<string, { benchmarks?: Benchmark[] }>> {
  try {
    // Vite/electron-vite bundle: static glob of the sibling modules.
    // @ts-ignore -- import.meta.glob exists only in Vite builds; under tsx this throws and we list the directory.
    const found = import.meta.glob(['./*.ts', '!./index.ts', '!./types.ts'], { eager: true }) as Record<string, { benchmarks?: Benchmark[] }>;
    return found;
  } catch {
    const dir = dirname(fileURLToPath(import.meta.url));
    const modules: Record<string, { benchmarks?: Benchmark[] }> = {};
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.ts') || file === 'index.ts' || file === 'types.ts' || file.endsWith('.d.ts')) continue;
      modules[`./${file}`] = (await import(pathToFileURL(`${dir}/${file}`).href)) as { benchmarks?: Benchmark[] };
    }
    return modules;
  }
}

function parseArgs(argv: string[]): { only: string[] | null; out: string | null; repeats: number | null } {
  let only: string[] | null = null;
  let out: string | null = null;
  let repeats: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--only') only = value().split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) only = arg.slice(7).split(',').filter(Boolean);
    else if (arg === '--out') out = value();
    else if (arg.startsWith('--out=')) out = arg.slice(6);
    else if (arg === '--repeats') repeats = Number(value());
    else if (arg.startsWith('--repeats=')) repeats = Number(arg.slice(10));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: bench [--only name[,name]] [--out file.json] [--repeats n]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return { only, out, repeats };
}

/**
 * Benchmarks make scratch folders in the temp folder (a renderer folder for the web server, a saved
 * project, a worker bundle) and some keep them for the whole run: the run gets a temp folder of its
 * own (TMPDIR, read by every later os.tmpdir() and inherited by worker threads and child processes),
 * removed when it ends, so repeated runs leave nothing behind.
 */
let runTemp: string | null = null;
function useRunTemp(): void {
  runTemp = mkdtempSync(join(tmpdir(), 'gainlab-bench-run-'));
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = runTemp;
}
function exitRemovingRunTemp(code: number): never {
  if (runTemp) rmSync(runTemp, { recursive: true, force: true, maxRetries: 3 });
  process.exit(code);
}

async function main(): Promise<void> {
  const { only, out, repeats: repeatOverride } = parseArgs(process.argv.slice(2));
  useRunTemp();
  // the app's arithmetic (src-main/worker/wasmFeatures.ts); GAINLAB_ARITHMETIC=separate for the other
  const arithmetic = enableWasmFeatures();
  const modules = await loadModules();
  const results: BenchResult[] = [];
  for (const [path, module] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    const moduleName = path.replace(/^.*\//, '').replace(/\.ts$/, '');
    for (const bench of module.benchmarks ?? []) {
      if (only && !only.some((o) => bench.name.includes(o) || moduleName === o)) continue;
      await bench.setup?.();
      const divide = bench.unitsPerRun ?? 1;
      for (let w = 0; w < (bench.warmup ?? 2); w++) await bench.run();
      const wall: number[] = [];
      const cpu: number[] = [];
      let overridden = false;
      const repeats = repeatOverride ?? bench.repeats ?? 10;
      for (let r = 0; r < repeats; r++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        const value = await bench.run();
        const elapsed = performance.now() - start;
        const cpuUsed = process.cpuUsage(cpuStart);
        if (typeof value === 'number') overridden = true;
        wall.push((typeof value === 'number' ? value : elapsed) / divide);
        cpu.push((cpuUsed.user + cpuUsed.system) / 1000 / divide);
      }
      const result: BenchResult = {
        name: bench.name,
        module: moduleName,
        unit: bench.unit ?? 'ms',
        median: median(wall),
        min: Math.min(...wall),
        max: Math.max(...wall),
        cpuMedian: overridden ? null : median(cpu),
        n: repeats,
        ...(bench.note ? { note: bench.note } : {}),
      };
      results.push(result);
      const unit = result.unit === 'ratio' ? '' : ` ${result.unit}`;
      process.stderr.write(`${bench.name}: median ${result.median.toFixed(3)}${unit}, min ${result.min.toFixed(3)}${unit} (n=${repeats})\n`);
      await bench.teardown?.();
    }
  }
  const cpuList = cpus();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown',
      // a VM often names only the vendor line ("AMD EPYC"); family and model tell Zen 4 from Zen 5
      ...cpuFamily(),
      cores: cpuList.length,
      node: process.version,
      platform: platform(),
      arch: arch(),
      memoryGB: Math.round(totalmem() / 2 ** 30),
      // the kernels' default multiply-add (src-shared/model/wasm/loader.ts)
      arithmetic,
    },
    results,
  };
  const json = JSON.stringify(report, null, 2);
  process.stdout.write(`${json}\n`);
  if (out) writeFileSync(out, `${json}\n`);
  // worker pools of a benchmark run with --only may still be up (their teardown comes with a later entry)
  exitRemovingRunTemp(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  exitRemovingRunTemp(1);
});

/** The CPU's family and model numbers from /proc/cpuinfo (Linux; nothing elsewhere). */
function cpuFamily(): { cpuFamily?: number; cpuModel?: number } {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}\\s*:\\s*(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    const family = field('cpu family');
    const model = field('model');
    return Number.isFinite(family) && Number.isFinite(model) ? { cpuFamily: family, cpuModel: model } : {};
  } catch {
    return {};
  }
}
