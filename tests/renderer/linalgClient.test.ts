/**
 * The renderer's linear-algebra client (src-renderer/workers/linalgClient.ts) against a worker
 * that runs the same code as src-renderer/workers/linalg.worker.ts: the inspector's spectrum and
 * the summary's α of one network are one request (one copy of W, one O(N³) Schur form), α is the
 * largest real part of those eigenvalues (analytic on a triangular matrix; the same bits as
 * schur.ts spectralAbscissa on a random one), and a new W is a new request.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eigenvalues, spectralAbscissa } from '../../src-shared/linalg/schur.js';
import { Rng } from '../../src-shared/model/rng.js';

type Message = { id: number; kind: string; W: Float64Array; n: number };
const posted: Message[] = [];

/** The worker's message handling, answered on a later task as a real worker would. */
class FakeLinalgWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  postMessage(message: Message): void {
    posted.push(message);
    setTimeout(() => {
      const result = eigenvalues(message.W, message.n);
      this.onmessage?.({ data: { id: message.id, kind: 'done', result } });
    }, 0);
  }
  terminate(): void {}
}

beforeEach(() => {
  posted.length = 0;
  vi.resetModules();
  vi.stubGlobal('Worker', FakeLinalgWorker);
});
afterEach(() => vi.unstubAllGlobals());

describe('linalgClient', () => {
  it('answers the spectrum and α of one W with one request; α is max Re λ', async () => {
    const { eigenvaluesOff, spectralAbscissaOff } = await import('../../src-renderer/workers/linalgClient.js');
    // upper triangular: the eigenvalues are the diagonal
    const W = Float64Array.from([0.3, 2, -1, 0, -1.5, 4, 0, 0, 0.7]);
    const [eig, alpha] = await Promise.all([eigenvaluesOff(W, 3), spectralAbscissaOff(W, 3)]);
    expect(posted).toHaveLength(1);
    expect(posted[0].kind).toBe('eigenvalues');
    expect([...eig.re].sort((a, b) => a - b)).toEqual([-1.5, 0.3, 0.7]);
    expect(alpha).toBe(0.7);
    // asked again (the summary re-mounted): the cached answer, no new request
    expect(await spectralAbscissaOff(W, 3)).toBe(0.7);
    expect(posted).toHaveLength(1);
  });

  it('gives the same α as schur.ts spectralAbscissa on a random network, and a new W is a new request', async () => {
    const { spectralAbscissaOff } = await import('../../src-renderer/workers/linalgClient.js');
    const n = 60;
    const rng = new Rng(7);
    const W = Float64Array.from({ length: n * n }, () => rng.normal() / Math.sqrt(n));
    expect(await spectralAbscissaOff(W, n)).toBe(spectralAbscissa(W, n));
    const replaced = Float64Array.from(W, (w) => 0.5 * w);
    expect(await spectralAbscissaOff(replaced, n)).toBe(spectralAbscissa(replaced, n));
    expect(posted).toHaveLength(2);
  });
});
