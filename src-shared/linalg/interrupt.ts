/**
 * Cooperative stopping of long dense computations. An O(N³) step (a Schur form, a Lyapunov solve,
 * a matrix product) at N = 2000 takes seconds to minutes; a user who cancels must not wait for it.
 * The caller runs the computation inside `withInterrupt(shouldStop, …)`; the loops of linalg call
 * `checkInterrupt()` once per row or column (a function call and, inside a stoppable computation,
 * one shouldStop() — an Atomics.load in a worker), which throws OperationStopped when a stop is
 * asked. Outside withInterrupt it does nothing.
 *
 * The check is per thread (module state): each worker thread has its own copy of this module, and
 * JavaScript runs one computation per thread at a time.
 */
export class OperationStopped extends Error {
  constructor() {
    super('the computation was stopped');
    this.name = 'OperationStopped';
  }
}

let current: (() => boolean) | null = null;

/** Run `fn`, letting the linalg loops inside it stop (OperationStopped) when shouldStop() is true. */
export function withInterrupt<T>(shouldStop: (() => boolean) | undefined, fn: () => T): T {
  if (!shouldStop) return fn();
  const previous = current;
  current = shouldStop;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Throws OperationStopped when the enclosing withInterrupt's shouldStop() is true. */
export function checkInterrupt(): void {
  if (current !== null && current()) throw new OperationStopped();
}
