/**
 * Every long computation of GainLab is a task: `run(input, ctx)`, in src-shared, so the app's
 * worker threads, the CLI, the experiment definitions and the tests run the very same code. The
 * context is how a task reports and how it is stopped; hosts implement it (the worker posts
 * batched progress on its port and reads a shared stop flag; the CLI draws a progress bar and
 * stops on Ctrl+C; tests use quietContext).
 *
 * Failures a user can act on are TaskErrors with a code; anything else is a crash of the task.
 */
/** Eigenvalues of an SOC build's W at one iteration (plain arrays: they go on to the renderer as JSON). */
export interface SocSpectrum {
  iteration: number;
  alpha: number;
  re: number[];
  im: number[];
}

export type TaskErrorCode = 'invalid-payload' | 'not-found' | 'bad-file' | 'internal';
const TASK_ERROR_CODES: readonly TaskErrorCode[] = ['invalid-payload', 'not-found', 'bad-file', 'internal'];

/** A deliberate, user-facing failure of a task: its code survives the worker boundary. */
export class TaskError extends Error {
  readonly code: TaskErrorCode;
  constructor(code: TaskErrorCode, message: string) {
    super(message);
    this.name = 'TaskError';
    this.code = code;
  }

  /** The message an Error carries across a thread boundary (structured clone keeps only message and name). */
  static toWire(error: TaskError): string {
    return `${WIRE_PREFIX}${error.code}:${error.message}`;
  }

  /** A TaskError back from a message written by toWire; null for any other error. */
  static fromWire(message: string): TaskError | null {
    if (!message.startsWith(WIRE_PREFIX)) return null;
    const rest = message.slice(WIRE_PREFIX.length);
    const colon = rest.indexOf(':');
    const code = rest.slice(0, colon) as TaskErrorCode;
    return colon > 0 && TASK_ERROR_CODES.includes(code) ? new TaskError(code, rest.slice(colon + 1)) : null;
  }
}

const WIRE_PREFIX = 'gainlab-task-error:';

export interface TaskContext {
  /** Stop everything (checked often: at least every ~100 ms of work); the task returns what it has. */
  shouldStop(): boolean;
  /** Stop one session of a multi-session task alone. */
  sessionStopRequested(session: number): boolean;
  /** Units of work done so far, of `total` (trials over all sessions, speeds × trials, …). */
  progress(done: number, total?: number): void;
  /** When work is not a count (SOC builds: α on a log scale): 0–100. */
  percent(percent: number): void;
  /**
   * A line on what the task is doing ("target 2/3: training x0"), with the percent done it goes with
   * when the task has one: set together, so a batched post never pairs the line with the percent
   * of the line before.
   */
  message(text: string, percent?: number): void;
  /** One trial's error of one session: the live error curve (SOC builds: α per iteration). */
  point(session: number, trial: number, error: number): void;
  /** The gains of one session at one trial (kept by the host for "gains over training"). */
  snapshot(session: number, trial: number, gains: Float64Array): void;
  /** SOC builds: the eigenvalue spectrum of W at an iteration. */
  spectrum(spectrum: SocSpectrum): void;
}

/** A context that reports nothing and never stops (tests, one-off computations). */
export const quietContext: TaskContext = {
  shouldStop: () => false,
  sessionStopRequested: () => false,
  progress: () => undefined,
  percent: () => undefined,
  message: () => undefined,
  point: () => undefined,
  snapshot: () => undefined,
  spectrum: () => undefined,
};

/** A quiet context with its own stop condition (the CLI's Ctrl+C, a test's budget). */
export function contextWith(overrides: Partial<TaskContext>): TaskContext {
  return { ...quietContext, ...overrides };
}
