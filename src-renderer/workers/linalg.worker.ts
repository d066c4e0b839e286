/**
 * Web Worker for the renderer's dense linear algebra: the eigenvalues of a weight matrix (a real
 * Schur form; linalgClient.ts takes the spectral abscissa from them). O(N³): about 65 ms at
 * N = 200 and seconds at N = 800 — never on the UI thread.
 *
 * Requests { id, kind, W, n } → replies { id, kind: 'done', result } | { id, kind: 'error', message }.
 *   eigenvalues → { re: Float64Array, im: Float64Array }   (transferred)
 */
import { eigenvalues } from '../../src-shared/linalg/schur.js';

type Request = { id: number; kind: 'eigenvalues'; W: Float64Array; n: number };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.kind !== 'eigenvalues') throw new Error(`unknown request ${String(request.kind)}`);
    const result = eigenvalues(request.W, request.n);
    scope.postMessage({ id: request.id, kind: 'done', result }, [result.re.buffer, result.im.buffer]);
  } catch (error) {
    scope.postMessage({ id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
