/** The shape every bench/<area>.ts module exports as `benchmarks` (see bench/index.ts). */
export interface Benchmark {
  /** Unique, e.g. 'trial_ms.wasm-pairs'. */
  name: string;
  /** One timed call. Return a number (ms) to report that instead of the measured wall time. */
  run: () => number | void | Promise<number | void>;
  /** Timed calls (default 10). */
  repeats?: number;
  /** Untimed calls first (default 2). */
  warmup?: number;
  /** Divide each measurement by this (e.g. trials per call; default 1). */
  unitsPerRun?: number;
  /** What run() returns when it returns a number: 'ms' (default), 'us' (microseconds) or a dimensionless 'ratio'. */
  unit?: 'ms' | 'us' | 'ratio';
  setup?: () => void | Promise<void>;
  teardown?: () => void | Promise<void>;
  note?: string;
}
