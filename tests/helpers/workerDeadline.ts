/**
 * Runs a kernel scenario on a node:worker_threads Worker and fails when it gives no result within a
 * deadline. A threaded kernel whose driver waits for a helper that never comes waits inside one
 * synchronous WebAssembly call (or a JavaScript loop of short ones) on the calling thread: on the
 * test's own thread a vitest timeout cannot interrupt it, and the test run hangs instead of
 * failing. On a worker, the wait is the worker's: the test terminates it at the deadline.
 *
 * A scenario is an exported function of a module (TypeScript, loaded in the worker through tsx,
 * like tests/helpers/threadedBitsChild.ts in its child process) taking one structured-cloneable
 * input and returning a structured-cloneable result (typed arrays, plain objects). The worker
 * (tests/helpers/workerDeadlineRunner.mjs) first loads tests/helpers/wasmFeatures.setup.ts, so its
 * kernels have the WebAssembly features and arithmetic of the test files' own.
 */
import { Worker } from 'node:worker_threads';

/** The default deadline: a scenario's trials take well under a second even on a busy machine. */
export const SCENARIO_DEADLINE_MS = 20_000;

/**
 * The result of `scenarios[name](input)` computed on a worker, where `scenarios` is the module at
 * `module` (e.g. new URL('../helpers/threadScenarios.ts', import.meta.url)). Rejects when the
 * scenario throws, and after `deadlineMs` without a result (the worker terminated, with its waits).
 */
export function runScenarioInWorker<T>(module: URL, name: string, input: unknown, deadlineMs = SCENARIO_DEADLINE_MS): Promise<T> {
  const worker = new Worker(new URL('./workerDeadlineRunner.mjs', import.meta.url), { workerData: { module: module.href, name, input } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`scenario ${name} gave no result within ${deadlineMs / 1000} s: a thread waits forever (its worker was terminated)`));
    }, deadlineMs);
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`scenario ${name}: its worker exited (code ${code}) without a result`)));
  }).finally(() => {
    // the first of these settled it; the worker goes whatever it is doing (a wait included)
    clearTimeout(timer);
    return worker.terminate();
  });
}

/** The input and result types of a scenario `F`: one input, a result or a promise of one. */
type ScenarioInput<F> = F extends (input: infer I) => unknown ? I : never;
type ScenarioResult<F> = F extends (input: never) => infer R ? Awaited<R> : never;

/**
 * runScenarioInWorker for the scenarios of one module, typed by that module (`import type * as
 * scenarios from …`, then scenarioRunner<typeof scenarios>(new URL(…))).
 */
export function scenarioRunner<M>(module: URL, deadlineMs = SCENARIO_DEADLINE_MS) {
  return <K extends keyof M & string>(name: K, input: ScenarioInput<M[K]>): Promise<ScenarioResult<M[K]>> => runScenarioInWorker(module, name, input, deadlineMs);
}
