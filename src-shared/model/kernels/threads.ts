/**
 * Helper threads for the threaded kernels — the part the host provides. src-shared cannot start
 * threads (no node:worker_threads, no DOM), so a host that can hands the kernels a KernelThreads:
 * Node (the model worker, the CLI, bench, tests) through src-main/worker/kernelThread.ts, the
 * renderer's speed worker through Web Workers (src-renderer/workers/kernelThreads.ts); both keep
 * their workers in a HelperPool.
 *
 * What a helper thread does is fixed and small (see HELPER_THREAD_BODY): instantiate the given
 * WebAssembly module on the given shared memory and call exports.helperLoop(kernel) (or
 * exports.helperStep(kernel) until it returns 0), which computes chunks of that kernel's trials or
 * passes until the kernel releases its helpers. All coordination goes
 * through the shared memory (assembly/dynamics.ts, "Threads"); the host never relays messages
 * during a trial, so a synchronous training loop works.
 */

/** What one helper thread needs (all of it structured-cloneable: Module and shared Memory are). */
export interface KernelHelperStart {
  /** The compiled threads build of assembly/dynamics.ts (a WebAssembly.Module). */
  module: object;
  /** The kernel's shared WebAssembly.Memory. */
  memory: object;
  /** Pointer of the kernel description in that memory. */
  kernel: number;
}

export interface KernelThreads {
  /** How many helper threads one kernel may use (e.g. cores − 1). */
  readonly helpers: number;
  /**
   * The cores this host shares with other runs (null/absent: the kernel's helpers are always
   * free): a threaded trial uses its helpers only when that many cores are free (see CoreBudget).
   */
  readonly budget?: CoreBudget | null;
  /**
   * Start a helper on `start` (asynchronously: the kernel works without it until it joins). The
   * helper returns to the host's pool when the kernel calls releaseHelpers.
   */
  attach(start: KernelHelperStart): void;
}

/**
 * The helper's whole program, as plain JavaScript for any host: `data` is a KernelHelperStart,
 * `done()` is called when helperLoop has returned (the thread can take another kernel).
 */
export const HELPER_THREAD_BODY = `
  const instance = new WebAssembly.Instance(data.module, {
    env: { memory: data.memory, abort() { throw new Error('dynamicsShared wasm: abort'); } },
  });
  // a module with helperStep is driven one step per call (see assembly/adjoint.ts, helperStep)
  const step = instance.exports.helperStep;
  if (step) while (step(data.kernel)) {}
  else instance.exports.helperLoop(data.kernel);
  done();
`;

/**
 * A helper's handler of one start message `{ data, busy }` (data: a KernelHelperStart, busy: the
 * helper's Int32Array flag on shared memory): HELPER_THREAD_BODY, then the flag cleared — also when
 * it fails — so the host's pool (HelperPool) knows the helper is free again.
 */
export const HELPER_START_HANDLER = `
  const done = () => Atomics.store(busy, 0, 0);
  try {
${HELPER_THREAD_BODY}
  } catch (error) {
    done();
    throw error;
  }
`;

/** One helper worker of a host's pool and its busy flag (1 while it serves a kernel). */
export interface HelperEntry<W> {
  worker: W;
  busy: Int32Array;
  /** Kernels this worker has served, and the bytes of their memories (HelperPool retirement). */
  served: number;
  servedBytes: number;
}

/**
 * A helper worker is replaced by a new one once it has served this many kernels, or kernels whose
 * memories add up to this many bytes. Each kernel's shared memory stays alive as long as any
 * thread that used it still holds it, and an idle helper holds every memory it has served: its
 * isolate allocates almost nothing, so it never collects its garbage. Measured on Node 20 with
 * n = 200 kernels (0.5 MB each), the process grew by 0.5 MB per kernel, to 870 MB after 1 500.
 * In Chromium the speed worker could not create a 124th kernel ("WebAssembly.Memory(): could not
 * allocate memory"), because each live shared memory reserves its address space. A terminated
 * worker's memories are freed with it, so a pool holds at most this many per worker.
 */
export const HELPER_MAX_KERNELS = 8;
export const HELPER_MAX_BYTES = 256 * 1024 * 1024;

/**
 * A host's helper workers (any kind: node:worker_threads, Web Workers). Whether a worker is free is
 * its busy flag on shared memory, not a message, so a kernel created inside a long synchronous
 * loop finds the helpers an earlier kernel gave back.
 */
export class HelperPool<W> {
  private readonly entries: HelperEntry<W>[] = [];
  private closed = false;
  private retiredCount = 0;

  /**
   * start: a new worker for `entry` (it may register handlers that drop(entry)); retire: stop a
   * free worker that has served its share (HELPER_MAX_KERNELS, HELPER_MAX_BYTES).
   */
  constructor(
    private readonly maxWorkers: number,
    private readonly start: (entry: HelperEntry<W>) => W,
    private readonly retire: (entry: HelperEntry<W>) => void,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Workers replaced so far because they had served their share. */
  get retired(): number {
    return this.retiredCount;
  }

  /** Workers serving a kernel now (their busy flag set). */
  get busy(): number {
    return this.entries.filter((entry) => Atomics.load(entry.busy, 0) === 1).length;
  }

  /** Start one more worker (even past maxWorkers: a host's first helpers). */
  spawn(): HelperEntry<W> {
    const entry = { busy: new Int32Array(new SharedArrayBuffer(4)), served: 0, servedBytes: 0 } as HelperEntry<W>;
    entry.worker = this.start(entry);
    this.entries.push(entry);
    return entry;
  }

  /** Forget a worker (it failed). */
  drop(entry: HelperEntry<W>): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /**
   * A free worker, or a new one while the pool may grow, marked busy, for a kernel whose memory
   * has `bytes`; null when closed or full. Free workers that have served their share are stopped
   * here (their flag says they have left their last kernel, so nothing runs on them); a worker that
   * reaches its share now gets its successor started at once, so that the successor is running by
   * the next kernel (a browser worker started during a synchronous computation only runs once that
   * computation yields).
   */
  take(bytes = 0): HelperEntry<W> | null {
    if (this.closed) return null;
    for (const spent of this.entries.filter((candidate) => HelperPool.spent(candidate) && Atomics.load(candidate.busy, 0) === 0)) {
      this.drop(spent);
      this.retire(spent);
      this.retiredCount++;
    }
    let entry = this.entries.find((candidate) => Atomics.load(candidate.busy, 0) === 0);
    if (!entry) {
      if (this.entries.length >= this.maxWorkers) return null;
      entry = this.spawn();
    }
    entry.served++;
    entry.servedBytes += bytes;
    Atomics.store(entry.busy, 0, 1);
    if (HelperPool.spent(entry) && this.entries.length < this.maxWorkers) this.spawn();
    return entry;
  }

  private static spent(entry: HelperEntry<unknown>): boolean {
    return entry.served >= HELPER_MAX_KERNELS || entry.servedBytes >= HELPER_MAX_BYTES;
  }

  /** Take no more kernels; returns every worker (for the host to stop). */
  close(): W[] {
    this.closed = true;
    return this.entries.splice(0).map((entry) => entry.worker);
  }
}

/** The bytes of a kernel's shared memory (a WebAssembly.Memory), for HelperPool.take. */
export function helperMemoryBytes(start: KernelHelperStart): number {
  const buffer = (start.memory as { buffer?: { byteLength?: unknown } }).buffer;
  return typeof buffer?.byteLength === 'number' ? buffer.byteLength : 0;
}

const clock = (globalThis as { performance?: { now(): number } }).performance;
function now(): number {
  return clock ? clock.now() : Date.now();
}

/**
 * The cores every run of a process shares — the job threads and the interactive one — so runs are
 * scheduled by cores, not by jobs: a run holds one core for its own thread while it runs (take),
 * and a threaded trial borrows its helpers' cores only when they are free (tryTake), giving them
 * back after the trial. Two runs on two cores thus run one core each instead of four threads
 * fighting over two; a run alone gets every core. One Int32 on shared memory holds the free
 * count, so worker threads share it with Atomics (it goes negative when more runs hold a core than
 * there are cores; tryTake then fails until enough are given back).
 */
export interface CoreBudget {
  /** Take `count` cores if that many are free; false (nothing taken) otherwise. */
  tryTake(count: number): boolean;
  /** Take `count` cores whether or not they are free (a run's own thread). */
  take(count: number): void;
  /** Give back `count` cores taken before. */
  give(count: number): void;
  /** Free cores now (negative: oversubscribed). */
  free(): number;
}

/** A CoreBudget on `state[0]` (an Int32Array on a SharedArrayBuffer, holding the free cores). */
export function sharedCoreBudget(state: Int32Array): CoreBudget {
  return {
    tryTake(count) {
      for (;;) {
        const free = Atomics.load(state, 0);
        if (free < count) return false;
        if (Atomics.compareExchange(state, 0, free, free - count) === free) return true;
      }
    },
    take(count) {
      Atomics.sub(state, 0, count);
    },
    give(count) {
      Atomics.add(state, 0, count);
    },
    free: () => Atomics.load(state, 0),
  };
}

/** A new budget of `cores` free cores, and its shared memory (to hand to worker threads). */
export function createCoreBudget(cores: number): { budget: CoreBudget; memory: SharedArrayBuffer } {
  const memory = new SharedArrayBuffer(4);
  const state = new Int32Array(memory);
  state[0] = Math.max(1, Math.floor(cores));
  return { budget: sharedCoreBudget(state), memory };
}

/**
 * When a threaded kernel runs a trial with its helpers: it measures both ways as it goes (wall
 * time per trial, the median of the last few) and uses the faster, trying the other one for
 * EXPLORE_TRIALS trials after `exploreEvery` trials (then after longer intervals while the choice
 * holds, MAX_BACKOFF), so a machine that gets busy (or a helper that is not up yet) moves it back
 * to one thread and a quiet one moves it to all. Results are the same bits either way.
 *
 * The first trial after a switch is not measured: it pays for the switch (helpers that napped
 * must wake, and the rows the other core held in its cache come back), which the steady state
 * does not. Counting it biased the choice against the mode being re-checked — on the 2-core EPYC
 * 'auto' settled on one thread although every core was 1.2–1.5× faster (bench trial_ms.auto vs
 * threads.trial_ms, 2026-12-03).
 */
export class ThreadSchedule {
  /** Trials of the other mode per re-check: one to switch, one to measure. */
  static readonly EXPLORE_TRIALS = 2;
  /**
   * Each mode's estimate is the median of its last RECENT measured trials: one slow trial (helpers
   * still starting, a burst of other work) is outvoted instead of lingering in an average — with
   * an exponential average, a slow first trial of the helpers kept 'auto' on one thread for ~100
   * trials although every core was faster.
   */
  static readonly RECENT = 5;
  /**
   * A re-check that confirms the choice doubles the interval to the next one, up to
   * MAX_BACKOFF × exploreEvery; a change of the choice starts again from exploreEvery. A run whose
   * helpers are clearly faster thus spends ~2 % of its trials on one thread instead of 2 in 16
   * (bench trial_ms.auto against threads.trial_ms). A re-check whose measured trials beat the
   * current choice goes on (up to RECENT of them), so one re-check can change the choice: the
   * longer intervals do not slow the reaction to a machine that got quiet.
   */
  static readonly MAX_BACKOFF = 4;
  /**
   * A trial on the helpers in which they did not do their share (done(false): a helper still
   * waking, or put on the calling thread's core by the operating system, so that one thread did
   * the work of both) says nothing about how fast the helpers are, only that they were not there
   * yet. Up to this many in a row are not counted, and a re-check goes on past them: on the 2-core
   * EPYC VM (a Firecracker guest whose kernel is set to pack threads onto few cores,
   * sched_vcpu_pack), the first 2–4 trials after a pause of ~0.5 s ran at 3–7 ms with the helper
   * computing none or all of the chunks, then at 1.6–1.8 ms against 2.7 ms on one thread (at times
   * when threads.round_trip_us was ~0.2 µs); counted, they sent the choice to one thread, and each
   * re-check, which woke the helper again, confirmed it. Beyond this many in a row they count (a
   * machine too busy for the helpers is one where they are slower).
   */
  static readonly MAX_ABSENT = 4;
  /** The last RECENT measured times of each mode (ms; oldest overwritten), and their medians. */
  private readonly soloTimes: number[] = [];
  private readonly teamTimes: number[] = [];
  private readonly scratch = new Float64Array(ThreadSchedule.RECENT);
  private solo = Number.NaN;
  private team = Number.NaN;
  private trials = 0;
  /** The current choice, when the next re-check starts, the interval after it, and the re-check now. */
  private better: boolean | null = null;
  private nextCheck = 0;
  private interval: number;
  private exploreLeft = 0;
  private extensions = 0;
  private exploring = false;
  private lastTeam: boolean | null = null;
  private switched = false;
  private started = 0;
  private taken = false;
  /** Trials on the helpers in a row in which they did not do their share (MAX_ABSENT). */
  private absent = 0;
  /** Fix the choice (benchmarks: 'team' = every trial on every thread); null = measure and choose. */
  force: 'team' | 'solo' | null = null;
  /**
   * budget: the cores shared with other runs — a trial that would use the helpers runs on one
   * thread when `helpers` cores are not free (even when forced to 'team'). null: always free.
   */
  constructor(
    private readonly exploreEvery = 16,
    private readonly clock: () => number = now,
    private readonly budget: CoreBudget | null = null,
    private readonly helpers = 1,
  ) {
    this.interval = exploreEvery;
  }

  /** Whether the next trial should use the helpers. */
  next(): boolean {
    this.trials++;
    let team: boolean;
    if (this.force) team = this.force === 'team';
    else if (Number.isNaN(this.team)) team = true;
    else if (Number.isNaN(this.solo)) team = false;
    else {
      const better = this.team <= this.solo;
      if (better !== this.better) {
        // a new choice: re-check the other way after the base interval
        this.better = better;
        this.interval = this.exploreEvery;
        this.nextCheck = this.trials + this.exploreEvery - ThreadSchedule.EXPLORE_TRIALS;
        this.exploreLeft = 0;
      }
      if (this.exploreLeft === 0 && this.trials >= this.nextCheck) {
        this.exploreLeft = ThreadSchedule.EXPLORE_TRIALS;
        this.extensions = 0;
        this.interval = Math.min(2 * this.interval, ThreadSchedule.MAX_BACKOFF * this.exploreEvery);
        this.nextCheck = this.trials + this.interval;
      }
      this.exploring = this.exploreLeft > 0;
      if (this.exploring) this.exploreLeft--;
      team = this.exploring ? !better : better;
    }
    if (team && this.budget) team = this.taken = this.budget.tryTake(this.helpers);
    this.switched = team !== this.lastTeam;
    this.lastTeam = team;
    this.started = this.clock();
    return team;
  }

  /**
   * Call after the trial that next() chose; helpersTookPart: whether the helpers did their share
   * of it (kernels that cannot tell leave it true); trials: how many trials that call completed
   * (the time is compared per trial: the reward rule's concurrent trials complete one or two).
   */
  done(helpersTookPart = true, trials = 1): void {
    if (this.taken) {
      this.taken = false;
      this.budget!.give(this.helpers);
    }
    if (this.switched) return;
    if (this.lastTeam) {
      if (!helpersTookPart && this.absent < ThreadSchedule.MAX_ABSENT) {
        this.absent++;
        // a re-check waits for the helpers instead of ending on a trial they missed
        if (this.exploring) this.exploreLeft++;
        return;
      }
      if (helpersTookPart) this.absent = 0;
    }
    const ms = (this.clock() - this.started) / Math.max(1, trials);
    if (this.lastTeam) this.team = this.record(this.teamTimes, ms);
    else this.solo = this.record(this.soloTimes, ms);
    // a re-check trial that beat the current choice: measure the other way again
    const current = this.lastTeam ? this.solo : this.team;
    if (this.exploring && ms < current && this.extensions < ThreadSchedule.RECENT) {
      this.extensions++;
      this.exploreLeft++;
    }
  }

  /** Keep `ms` among the last RECENT times (dropping the oldest); returns their median. */
  private record(times: number[], ms: number): number {
    if (times.length === ThreadSchedule.RECENT) times.shift();
    times.push(ms);
    const sorted = this.scratch.subarray(0, times.length);
    sorted.set(times);
    sorted.sort();
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
  }

  /** Median ms per trial of each mode's recent trials, for reports. */
  estimates(): { solo: number; team: number } {
    return { solo: this.solo, team: this.team };
  }
}


let defaultThreads: KernelThreads | null = null;

/**
 * The helper threads kernels use when their options do not say (null: none, one thread). A host
 * sets this once at startup (e.g. the model worker: cores − 1 helpers when it runs alone).
 */
export function setDefaultKernelThreads(threads: KernelThreads | null): void {
  defaultThreads = threads;
}

export function defaultKernelThreads(): KernelThreads | null {
  return defaultThreads;
}

/**
 * This thread's own work while other work is offered to another core (a trial or pass on a
 * helper): if the own work throws, the offered work is collected (dropped) first, so that its
 * helper and core are free again.
 */
export function whileOffered<T>(offered: boolean, own: () => T, collectOffered: () => unknown): T {
  try {
    return own();
  } catch (error) {
    if (offered) collectOffered();
    throw error;
  }
}

/** The most cores one run may use here: its own thread and the default kernel threads' helpers. */
export function runCores(): number {
  return 1 + Math.max(0, defaultThreads?.helpers ?? 0);
}
