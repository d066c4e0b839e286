/**
 * Fig. 4 experiment (model-spec §9): a library of gain patterns learned for l targets; novel
 * targets fitted by least squares on the library outputs; fit error vs the error of the network's
 * output with the combined gains; refining one combination with the reward rule next to learning
 * from scratch.
 *
 * Full: N = 200 SOC (or the given network), l = 10 generated targets, reward rule 3000 trials
 * each, 50 novel targets, refine 2000 trials. Quick: N = 40, l = 4, Adam 60 iterations, 6 novel
 * targets, refine 30 iterations.
 */
import { normalisedError } from '../model/dynamics.js';
import {
  baselineOutput,
  evaluateCombination,
  learnLibrary,
  pearson,
  refineCombination,
  type PrimitiveCombination,
} from '../primitives/library.js';
import {
  clock,
  experimentNetwork,
  generatedTargets,
  median,
  stack,
  type ExperimentDefinition,
  type ExperimentResult,
  type ExperimentRunOptions,
} from '../primitives/experimentSupport.js';

export const FIG4_SETTINGS = {
  full: { n: 200, librarySize: 10, rule: 'reward' as const, trials: 3000, iterations: 0, lr: 0.01, novelTargets: 50, refineTrials: 2000, refineIterations: 0 },
  // Quick: Adam (60 iterations) learns a usable library on N = 40 in a second; the reward rule would need thousands of trials.
  quick: { n: 40, librarySize: 4, rule: 'gradient' as const, trials: 0, iterations: 60, lr: 0.05, novelTargets: 6, refineTrials: 0, refineIterations: 30 },
};

/** Ridge penalty of the second set of fits (δ; see library.ts FitOptions). */
export const FIG4_RIDGE = 0.01;

export function runFig4(options: ExperimentRunOptions): ExperimentResult {
  const started = clock();
  const settings = options.quick ? FIG4_SETTINGS.quick : FIG4_SETTINGS.full;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  progress('network');
  const prepared = experimentNetwork(options, settings.n, 1);
  const { network, params } = prepared;
  const libraryTargets = generatedTargets(settings.librarySize, 1001, params);
  const novelTargets = generatedTargets(settings.novelTargets, 2001, params);

  const rule = { rule: settings.rule, seed, trials: settings.trials, iterations: settings.iterations, lr: settings.lr };
  progress(`learning ${settings.librarySize} library patterns (${settings.rule} rule)`);
  const libraryStarted = clock();
  const library = learnLibrary(network, params, libraryTargets, rule, undefined, options.shouldStop);
  const libraryMs = clock() - libraryStarted;
  const baseline = baselineOutput(network, params);

  progress(`fitting ${novelTargets.length} novel targets`);
  const fitStarted = clock();
  const combinations: PrimitiveCombination[] = [];
  for (const target of novelTargets) {
    if (options.shouldStop?.()) break;
    combinations.push(evaluateCombination(network, params, library, baseline, target));
  }
  const fitMs = clock() - fitStarted;
  // The same fits with a small ridge penalty (GainLab option, library.ts FitOptions): keeps the
  // combined gains near 1, where the first-order fit predicts the output.
  const ridge = FIG4_RIDGE;
  const ridged = combinations.map((_, j) => evaluateCombination(network, params, library, baseline, novelTargets[j], undefined, { ridge }));

  progress('refining the first combination');
  const refineStarted = clock();
  const refine =
    combinations.length > 0
      ? refineCombination(network, params, combinations[0].gains, novelTargets[0], { ...rule, seed: seed + 7, trials: settings.refineTrials, iterations: settings.refineIterations }, true, options.shouldStop)
      : null;
  const refineMs = clock() - refineStarted;

  const fitErrors = combinations.map((c) => c.fitError);
  const outputErrors = combinations.map((c) => c.outputError);
  const refineRows: Array<Array<number>> = [];
  if (refine) {
    const length = Math.max(refine.refined.errors.length, refine.scratch?.errors.length ?? 0);
    for (let k = 0; k < length; k++) refineRows.push([k, refine.refined.errors[k] ?? NaN, refine.scratch?.errors[k] ?? NaN]);
  }
  return {
    name: 'fig4',
    title: 'Fig. 4: motor primitives — novel movements from combined gain patterns',
    quick: options.quick,
    seed,
    summary: {
      settings,
      n: network.n,
      librarySize: library.size,
      libraryLearnedErrors: Array.from(library.errors),
      initialErrorsOfNovelTargets: novelTargets.map((t) => normalisedError(baseline, t, network.readout.channels, params.nSamples)),
      medianFitError: median(fitErrors),
      medianOutputError: median(outputErrors),
      fitOutputCorrelation: pearson(fitErrors, outputErrors),
      fitOutputLogCorrelation: pearson(fitErrors.map(Math.log10), outputErrors.map(Math.log10)),
      ridge: {
        delta: ridge,
        medianFitError: median(ridged.map((c) => c.fitError)),
        medianOutputError: median(ridged.map((c) => c.outputError)),
        fitOutputLogCorrelation: pearson(ridged.map((c) => Math.log10(c.fitError)), ridged.map((c) => Math.log10(c.outputError))),
      },
      refine: refine
        ? {
            combinationError: combinations[0].outputError,
            refinedBestError: refine.refined.bestError,
            scratchBestError: refine.scratch?.bestError ?? null,
          }
        : null,
      wallMs: { library: libraryMs, fits: fitMs, refine: refineMs, networkBuild: prepared.buildMs },
    },
    tables: [
      { name: 'library', columns: ['pattern', 'target_seed', 'learned_error'], rows: Array.from(library.errors, (e, k) => [k, 1001 + k, e]) },
      {
        name: 'novel_targets',
        columns: ['target', 'target_seed', 'fit_error', 'output_error', 'ridge_fit_error', 'ridge_output_error'],
        rows: combinations.map((c, j) => [j, 2001 + j, c.fitError, c.outputError, ridged[j].fitError, ridged[j].outputError]),
      },
      {
        name: 'coefficients',
        columns: ['target', ...Array.from({ length: library.size }, (_, k) => `c${k}`)],
        rows: combinations.map((c, j) => [j, ...Array.from(c.coefficients)]),
      },
      { name: 'refine_curves', columns: ['trial', 'refined_error', 'scratch_error'], rows: refineRows },
    ],
    arrays: [
      { name: 'library_gains', shape: [library.size, network.n], data: library.gains },
      { name: 'library_outputs', shape: [library.size, params.nSamples], data: library.outputs },
      { name: 'baseline_output', shape: [params.nSamples], data: baseline },
      stack('novel_targets', novelTargets.slice(0, combinations.length)),
      stack('novel_fits', combinations.map((c) => c.fit)),
      stack('novel_outputs', combinations.map((c) => c.output)),
      stack('combined_gains', combinations.map((c) => c.gains)),
    ],
    figures: [
      {
        kind: 'scatter',
        name: 'fit_vs_output_error',
        title: 'Fit error vs output error (log10; identity = perfect prediction)',
        xLabel: 'log10 fit error',
        yLabel: 'log10 output error',
        series: [
          { name: 'least squares', x: fitErrors.map(Math.log10), y: outputErrors.map(Math.log10) },
          { name: `ridge δ = ${ridge}`, x: ridged.map((c) => Math.log10(c.fitError)), y: ridged.map((c) => Math.log10(c.outputError)) },
        ],
      },
      {
        kind: 'lines',
        name: 'refine_curves',
        title: 'Refining the combination vs learning from scratch',
        xLabel: settings.rule === 'reward' ? 'trial' : 'iteration',
        yLabel: 'error',
        logY: true,
        series: [
          { name: 'from the combination', x: refineRows.map((r) => r[0]), y: refineRows.map((r) => r[1]) },
          { name: 'from g = 1', x: refineRows.map((r) => r[0]), y: refineRows.map((r) => r[2]), dashed: true },
        ],
      },
    ],
    elapsedMs: clock() - started,
    stopped: options.shouldStop?.() ?? false,
  };
}

export const fig4: ExperimentDefinition = {
  name: 'fig4',
  title: 'Fig. 4: motor primitives',
  description:
    'Library of gain patterns (reward rule) for generated targets; least-squares fits of novel targets; fit vs output error; refine vs scratch. ' +
    'Full: N = 200, l = 10, reward rule 3000 trials, 50 novel targets. Quick: N = 40, l = 4, Adam 60 iterations, 6 novel targets.',
  run: runFig4,
};
