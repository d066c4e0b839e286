/**
 * Web Worker running the run analyses (runAnalysis.ts) so the UI thread stays responsive.
 * Messages: { id, kind: 'analyse', input } → { id, kind: 'stage' | 'done' | 'error', ... };
 *           { id, kind: 'noisy', input }   → { id, kind: 'progress' | 'done' | 'error', ... }.
 */
import { analyseRun, noisyX0Curve, type NoisyX0Input, type RunAnalysisInput } from './runAnalysis.js';

type Request = { id: number; kind: 'analyse'; input: RunAnalysisInput } | { id: number; kind: 'noisy'; input: NoisyX0Input };

const scope = self as unknown as { onmessage: ((event: MessageEvent<Request>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.kind === 'analyse') {
      const result = analyseRun(request.input, (stage) => scope.postMessage({ id: request.id, kind: 'stage', stage }));
      scope.postMessage({ id: request.id, kind: 'done', result });
    } else {
      const result = noisyX0Curve(request.input, (fraction) => scope.postMessage({ id: request.id, kind: 'progress', fraction }));
      scope.postMessage({ id: request.id, kind: 'done', result });
    }
  } catch (error) {
    scope.postMessage({ id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
