/**
 * Web Worker running the quick reproduction report (src-shared/reproduce/run.ts) off the UI
 * thread: the same function `gainlab reproduce --quick` calls, with an in-memory store and the
 * figures drawn by ECharts' server-side SVG (plots/exportPlot.ts). It builds its own small networks
 * and is given no network (published: null, not the project's), so the claims about the published
 * network report "not run" here; `gainlab reproduce --full --net DIR` covers them.
 * Messages: { kind: 'run', seed } → { kind: 'progress', message, percent } … { kind: 'done', html, claims, verdicts } | { kind: 'error', message }.
 */
import { figureOption } from '../../../src-shared/experiments/figureOption.js';
import { runReproduction, type ReproductionStore } from '../../../src-shared/reproduce/run.js';
import { plotToSvg } from '../../plots/exportPlot.js';

const scope = self as unknown as { onmessage: ((event: MessageEvent<{ kind: 'run'; seed: number; version: string }>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  try {
    const files = new Map<string, string>();
    const store: ReproductionStore = { read: (name) => files.get(name), write: (name, text) => void files.set(name, text) };
    const nav = (globalThis as unknown as { navigator?: { hardwareConcurrency?: number; userAgent?: string } }).navigator;
    const result = runReproduction({
      mode: 'quick',
      seed: event.data.seed,
      published: null,
      store,
      environment: { version: event.data.version, machine: `${nav?.hardwareConcurrency ?? '?'} logical cores`, runtime: `browser worker (${nav?.userAgent ?? 'unknown'})` },
      renderSvg: (figure) => plotToSvg(figureOption(figure) as Parameters<typeof plotToSvg>[0], figure.title),
      onProgress: (p) => scope.postMessage({ kind: 'progress', message: `${p.part}: ${p.message}`, percent: p.percent }),
    });
    const verdicts: Record<string, number> = {};
    for (const c of result.claims) verdicts[c.verdict] = (verdicts[c.verdict] ?? 0) + 1;
    const claims = result.claims.map((c) => ({ id: c.id, figure: c.figure, paper: c.paper, measured: c.measured, verdict: c.verdict, rule: c.rule }));
    scope.postMessage({ kind: 'done', html: result.html, verdicts, claims, wallMs: result.wallMs });
  } catch (error) {
    scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
