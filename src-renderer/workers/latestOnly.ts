/**
 * At most one request in flight; while it runs, newer requests replace each other and only the
 * latest is sent when the answer arrives (stale slider positions are dropped, never queued).
 */
export class LatestOnly<T> {
  private inFlight = false;
  private pending: { value: T } | null = null;
  /** Requests dropped because a newer one replaced them before they were sent. */
  dropped = 0;

  constructor(private readonly send: (value: T) => void) {}

  request(value: T): void {
    if (!this.inFlight) {
      this.inFlight = true;
      this.send(value);
      return;
    }
    if (this.pending) this.dropped++;
    this.pending = { value };
  }

  /** The answer to the request in flight arrived: send the latest pending one, if any. */
  settled(): void {
    const next = this.pending;
    this.pending = null;
    if (next) this.send(next.value);
    else this.inFlight = false;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  /** Forget the in-flight state (the worker was replaced). */
  reset(): void {
    this.inFlight = false;
    this.pending = null;
  }
}
