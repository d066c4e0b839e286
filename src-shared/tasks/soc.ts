/**
 * The SOC build task (model-spec §4): buildSoc with its α curve as the task's points (session 0,
 * one per iteration), the eigenvalue spectrum every `spectrumEvery` iterations, and percent on a
 * log scale from the first α to the target α.
 */
import type { SocOptions, SocResult } from '../ipc/contract.js';
import { buildSoc } from '../model/soc.js';
import { quietContext, type TaskContext } from './context.js';

/** The SOC options of the request (ipc/contract.ts socRequestSchema), without the job's label. */
export type SocTaskInput = Omit<SocOptions, 'label'>;

export type { SocSpectrum } from './context.js';

export function runSocTask(input: SocTaskInput, ctx: TaskContext = quietContext): SocResult {
  const targetAlpha = input.targetAlpha ?? 0.15;
  let firstAlpha: number | null = null;
  let percent = 0;
  const result = buildSoc(
    { n: input.n, seed: input.seed, recipe: input.recipe, targetAlpha, p: input.p, R: input.R, gamma: input.gamma, eigenvalueEvery: input.spectrumEvery ?? 25 },
    (p) => {
      // the spectrum as it contracts (the host keeps the newest one)
      if (p.eigenvalues) ctx.spectrum({ iteration: p.iteration, alpha: p.alpha, re: Array.from(p.eigenvalues.re), im: Array.from(p.eigenvalues.im) });
      if (firstAlpha === null) firstAlpha = p.alpha;
      // α does not fall monotonically (the optimiser overshoots and recovers): the bar shows the
      // closest approach to the target so far, so it never moves backwards
      const reached = firstAlpha > targetAlpha && p.alpha > 0 ? Math.max(0, Math.min(99, (100 * Math.log(firstAlpha / p.alpha)) / Math.log(firstAlpha / targetAlpha))) : 0;
      percent = Math.max(percent, reached);
      ctx.progress(p.iteration, 0);
      ctx.percent(percent);
      ctx.point(0, p.iteration, p.alpha);
    },
    () => ctx.shouldStop(),
  );
  ctx.progress(result.iterations, 0);
  ctx.percent(result.stopped ? percent : 100);
  return {
    kind: 'soc',
    W: result.W,
    n: result.n,
    nE: result.nE,
    alphaHistory: result.alphaHistory,
    iterations: result.iterations,
    seed: result.seed,
    recipe: result.recipe,
    converged: result.converged,
    // NaN when stopped before the first Schur form finished (no α measured yet)
    finalAlpha: result.alphaHistory.length > 0 ? result.alphaHistory[result.alphaHistory.length - 1] : NaN,
    partial: result.stopped,
  };
}
