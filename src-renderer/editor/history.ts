/**
 * Bounded undo/redo history of snapshots. The owner calls `record(current)` just before applying
 * an edit; `undo(current)` hands back the state before the last edit and keeps `current` for redo;
 * a new `record` clears the redo stack (the usual linear history). Snapshots are cloned on the way
 * in and on the way out, so neither the caller nor the history can alter what the other holds and
 * an undo restores the earlier state bit for bit.
 */
export class EditHistory<T> {
  private readonly past: T[] = [];
  private readonly future: T[] = [];

  constructor(
    private readonly clone: (state: T) => T,
    readonly limit = 100,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('history limit must be a positive integer');
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get undoDepth(): number {
    return this.past.length;
  }

  get redoDepth(): number {
    return this.future.length;
  }

  /** Remembers `current` as the state to return to, before an edit replaces it. */
  record(current: T): void {
    this.past.push(this.clone(current));
    // Bounded: the oldest state goes first.
    if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit);
    this.future.length = 0;
  }

  /** The state before the last edit, or undefined when there is none. */
  undo(current: T): T | undefined {
    const previous = this.past.pop();
    if (previous === undefined) return undefined;
    this.future.push(this.clone(current));
    return this.clone(previous);
  }

  /** The state the last undo left, or undefined when there is none. */
  redo(current: T): T | undefined {
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.past.push(this.clone(current));
    if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit);
    return this.clone(next);
  }

  clear(): void {
    this.past.length = 0;
    this.future.length = 0;
  }
}
