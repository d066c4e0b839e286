/**
 * The paper's quantitative claims GainLab checks, each with the paper's value or statement (from
 * the paper's figure legends and the methods, docs/METHODS.md), how GainLab measures it, and the
 * rule that turns the two into a verdict [GainLab definition 'verdict-rule']:
 *   agrees               the measured value meets the claim's stated tolerance / test;
 *   qualitatively agrees the direction or ordering holds but the number is outside the tolerance;
 *   differs              neither;
 *   not run              the part it needs did not run (or stopped early).
 * Claims marked `source: 'spec'` are values of the model specification measured on the
 * published data (reference checks), not statements of the paper itself.
 */
import { mean, median } from '../analysis/statistics.js';

export type Verdict = 'agrees' | 'qualitatively agrees' | 'differs' | 'not run';

export interface ClaimOutcome {
  measured: string;
  verdict: Verdict;
}

export interface Claim {
  id: string;
  figure: string;
  /** What the paper states (or the spec value), in words with its number. */
  paper: string;
  /** How GainLab measures it. */
  measure: string;
  /** The verdict rule, in words. */
  rule: string;
  source: 'paper' | 'spec';
  /** Parts whose summaries it reads. */
  parts: string[];
  evaluate(get: (part: string) => Summary): ClaimOutcome;
}

// Summaries are JSON-like objects read by path; every accessor tolerates a missing field (NaN).
export type Summary = Record<string, any>;

const fmt = (v: number, digits = 3): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(digits)))) : 'n/a');
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(num) : []);

function grade(agrees: boolean, qualitatively: boolean): Verdict {
  return agrees ? 'agrees' : qualitatively ? 'qualitatively agrees' : 'differs';
}

function within(value: number, target: number, rtol: number): boolean {
  return Number.isFinite(value) && Math.abs(value - target) <= rtol * Math.abs(target);
}

/** Per-condition slow-task errors of Supp. 8 (condition 1 = the published x0 / first Gramian eigenvector), mean over sessions. */
function supp8Condition(s: Summary, amplitude: 'fixed' | 'scaled'): { initial: number; final: number } {
  const pc = s?.supp8?.[amplitude]?.perConditionReward;
  if (!pc) return { initial: NaN, final: NaN };
  return { initial: num(pc.initial?.[0]), final: mean((pc.best as number[][]).map((b) => b[0])) };
}

export const CLAIMS: readonly Claim[] = [
  {
    id: 'published-alpha',
    figure: 'Methods (SOC)',
    paper: 'The stability optimisation stops when the spectral abscissa α(W) = max Re λ(W) reaches 0.15.',
    measure: 'α of the published W.',
    rule: 'agrees: 0.149 ≤ α ≤ 0.15.',
    source: 'paper',
    parts: ['published'],
    evaluate: (get) => {
      const a = num(get('published')?.alpha);
      return { measured: `α = ${fmt(a, 6)}`, verdict: grade(a >= 0.149 && a <= 0.15, a <= 0.2) };
    },
  },
  {
    id: 'published-readout',
    figure: 'Methods (readout)',
    paper: 'With all gains 1 the network reproduces the initial movement its readout was fit to: E = 0.010462 (model specification, published data).',
    measure: 'E of the published network (gains 1) against initial_target.npy; RK4, 200 samples.',
    rule: 'agrees: within 1 % of 0.010462.',
    source: 'spec',
    parts: ['published'],
    evaluate: (get) => {
      const e = num(get('published')?.errorInitialTarget);
      return { measured: `E = ${fmt(e, 5)}`, verdict: grade(within(e, 0.010462, 0.01), e < 0.05) };
    },
  },
  {
    id: 'published-novel',
    figure: 'Fig. 1',
    paper: 'Before learning, the novel target is far from the output: E = 4.1768 (model specification, published data).',
    measure: 'E of the published network (gains 1) against novel_target.npy.',
    rule: 'agrees: within 1 % of 4.1768.',
    source: 'spec',
    parts: ['published'],
    evaluate: (get) => {
      const e = num(get('published')?.errorNovelTarget);
      return { measured: `E = ${fmt(e, 5)}`, verdict: grade(within(e, 4.1768, 0.01), e > 1) };
    },
  },
  {
    id: 'published-x0',
    figure: 'Methods (initial condition)',
    paper: 'x0 is the leading eigenvector of the observability Gramian of W − I, scaled to ‖x0‖ = 1.5·√N.',
    measure: 'Largest |difference| between the published x0 and GainLab’s Gramian eigenvector; ‖x0‖ vs 1.5·√200.',
    rule: 'agrees: difference ≤ 1e-9 and ‖x0‖ within 1e-9 of 1.5·√N.',
    source: 'paper',
    parts: ['published'],
    evaluate: (get) => {
      const s = get('published');
      const d = num(s?.x0MaxDifferenceFromGramian);
      const normGap = Math.abs(num(s?.x0Norm) - num(s?.x0NormExpected));
      return { measured: `max |Δx0| = ${fmt(d)}, ‖x0‖ = ${fmt(num(s?.x0Norm), 6)} (1.5·√N = ${fmt(num(s?.x0NormExpected), 6)})`, verdict: grade(d <= 1e-9 && normGap <= 1e-9, d <= 1e-3) };
    },
  },
  {
    id: 'published-structure',
    figure: 'Methods (SOC)',
    paper: 'Excitatory weights are never changed (one value); 40 % of the inhibitory connections are kept.',
    measure: 'Distinct non-zero E weights and the density of I weights in the published W.',
    rule: 'agrees: one E weight value and I density within 0.01 of 0.40.',
    source: 'paper',
    parts: ['published'],
    evaluate: (get) => {
      const s = get('published');
      const k = num(s?.eWeightValues);
      const d = num(s?.iDensity);
      return { measured: `${k} E weight value(s) (${fmt(num(s?.eWeight), 7)}); I density ${fmt(d, 4)}; E density ${fmt(num(s?.eDensity), 4)}`, verdict: grade(k === 1 && Math.abs(d - 0.4) <= 0.01, k === 1) };
    },
  },
  {
    id: 'supp8-initial-errors',
    figure: 'Supp. Fig. 8',
    paper: 'Before learning the 5× slower variant the error is about 1.22 (amplitude fixed) and about 128 (amplitude × 1/25).',
    measure: 'E of the published network with gains 1 over 5T against the slow variant of its own movement from x0.',
    rule: 'agrees: within 10 % of 1.22 and of 128.',
    source: 'paper',
    parts: ['published'],
    evaluate: (get) => {
      const s = get('published')?.slowInitialErrors;
      const fixed = num(s?.fixed?.[0]);
      const scaled = num(s?.scaled?.[0]);
      return { measured: `${fmt(fixed, 4)} (fixed), ${fmt(scaled, 4)} (scaled); second initial condition ${fmt(num(s?.fixed?.[1]), 3)} / ${fmt(num(s?.scaled?.[1]), 4)}`, verdict: grade(within(fixed, 1.22, 0.1) && within(scaled, 128, 0.1), within(fixed, 1.22, 0.3) && within(scaled, 128, 0.3)) };
    },
  },
  {
    id: 'spec-adam',
    figure: 'Supp. Fig. 1f (method)',
    paper: 'Adam on neuron-specific gains of the published network (lr 1e-2): E ≈ 0.43 after 10 iterations, 0.024 after 50, 0.007 after 300 (model specification).',
    measure: 'Adam from g = 1, gains kept ≥ 0 (GainLab definition gain-positivity); iterations counted from 1 at the start, as the specification counts them.',
    rule: 'agrees: each within 15 %; qualitatively: each within a factor 2.',
    source: 'spec',
    parts: ['adam'],
    evaluate: (get) => {
      const e = get('adam')?.errorAt ?? {};
      const v = [num(e['10']), num(e['50']), num(e['300'])];
      const ref = [0.43, 0.024, 0.007];
      return {
        measured: `${v.map((x) => fmt(x)).join(' / ')} (${num(get('adam')?.gainsAtFloor)} gains at the floor 0)`,
        verdict: grade(v.every((x, k) => within(x, ref[k], 0.15)), v.every((x, k) => x > ref[k] / 2 && x < ref[k] * 2)),
      };
    },
  },
  {
    id: 'fig1-learning',
    figure: 'Fig. 1',
    paper: 'The reward rule with neuron-specific gains takes the error on the novel target from 4.18 to roughly 0.1 after 3000 trials (model specification from Fig. 1; stochastic).',
    measure: 'Median over the sessions of the best error up to trial 3000.',
    rule: 'agrees: between 0.05 and 0.2; qualitatively: below 1 (a large reduction).',
    source: 'spec',
    parts: ['fig1'],
    evaluate: (get) => {
      const s = get('fig1');
      const at = nums(s?.bestErrorAtTrial?.['3000']);
      const m = at.length ? median(at) : NaN;
      return { measured: at.length ? `median ${fmt(m)} (sessions ${at.map((x) => fmt(x, 2)).join(', ')}); from ${fmt(num(s?.initialError), 4)}` : 'n/a (fewer than 3000 trials run)', verdict: at.length ? grade(m >= 0.05 && m <= 0.2, m < 1) : 'not run' };
    },
  },
  {
    id: 'fig1e-normal-gains',
    figure: 'Fig. 1e',
    paper: 'The trained gains are distributed close to a normal distribution.',
    measure: 'Kolmogorov–Smirnov distance D between all sessions’ gains and their normal fit.',
    rule: 'agrees: D ≤ 0.05; qualitatively: D ≤ 0.1.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const s = get('fig1');
      const d = num(s?.gainKsDistanceToNormal);
      return { measured: `D = ${fmt(d)} (μ = ${fmt(num(s?.gainFit?.mu), 4)}, σ = ${fmt(num(s?.gainFit?.sigma), 3)}, ${num(s?.gainPositivity?.totalNegative)} negative gains)`, verdict: grade(d <= 0.05, d <= 0.1) };
    },
  },
  {
    id: 'supp1a-abscissa',
    figure: 'Supp. Fig. 1a',
    paper: 'Over 10 sessions the largest real part of the spectrum of W·diag(g) changes by what looks like a large amount.',
    measure: 'Mean |change| of max Re λ(W·diag(g)) over the sessions, against its untrained value.',
    rule: 'agrees: mean |change| ≥ 0.1 (two thirds of the untrained 0.15); qualitatively: ≥ 0.02.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const s = get('fig1')?.spectralAbscissaWdiagG;
      const before = num(s?.before);
      const after = nums(s?.after);
      const change = after.length ? mean(after.map((a) => Math.abs(a - before))) : NaN;
      return { measured: `${fmt(before, 4)} → ${after.map((a) => fmt(a, 3)).join(', ')} (mean |Δ| ${fmt(change)})`, verdict: grade(change >= 0.1, change >= 0.02) };
    },
  },
  {
    id: 'fig2b-rates',
    figure: 'Fig. 2b, Supp. Fig. 1a',
    paper: 'Yet the firing rates themselves change little.',
    measure: 'RMS change of all rates (best session) relative to the RMS variation of the untrained rates.',
    rule: 'agrees: ≤ 0.3; qualitatively: ≤ 0.6.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const r = num(get('fig1')?.rateChangeRelativeRms);
      return { measured: `relative RMS change ${fmt(r)}`, verdict: grade(r <= 0.3, r <= 0.6) };
    },
  },
  {
    id: 'supp1b-correlations',
    figure: 'Supp. Fig. 1b',
    paper: 'The neuron-by-neuron correlation matrices with two trained patterns show no large reorganisation from gains 1.',
    measure: 'Pearson r between the off-diagonal entries of the gains-1 matrix and each trained pattern’s.',
    rule: 'agrees: both ≥ 0.8; qualitatively: both ≥ 0.5.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const r = nums(get('fig1')?.correlationMatrixSimilarity);
      return { measured: r.map((x) => `r = ${fmt(x)}`).join(', ') || 'n/a', verdict: r.length ? grade(r.every((x) => x >= 0.8), r.every((x) => x >= 0.5)) : 'not run' };
    },
  },
  {
    id: 'supp1c-patterns',
    figure: 'Supp. Fig. 1c',
    paper: 'Supp. 1c shows the histogram of correlations between the 45 pairs of the 10 trained gain patterns; GainLab reads it as: sessions find different patterns for the same movement.',
    measure: 'Mean Pearson r over the pairs of sessions’ gain patterns.',
    rule: 'agrees: mean r ≤ 0.5 (different patterns); qualitatively: ≤ 0.8.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const r = num(get('fig1')?.gainPatternCorrelationMean);
      return { measured: `mean r = ${fmt(r)}`, verdict: grade(r <= 0.5, r <= 0.8) };
    },
  },
  {
    id: 'supp1d-noise',
    figure: 'Supp. Fig. 1d',
    paper: 'Supp. 1d sets the error between noisy-x0 and noise-free outputs (1000 samples per SNR) of the 10 trained patterns beside that of gains 1; GainLab reads the panel as learning leaving the robustness to noise in x0 about unchanged.',
    measure: 'Ratio of the mean error E(noisy, noise-free) of the trained patterns to that of gains 1, over the SNRs (GainLab definition noise-robustness).',
    rule: 'agrees: every ratio within [0.5, 2]; qualitatively: within [0.2, 5].',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const s = get('fig1')?.noise;
      const a = nums(s?.trained?.mean);
      const b = nums(s?.gains1?.mean);
      const ratios = a.map((x, k) => x / b[k]).filter(Number.isFinite);
      return {
        measured: ratios.length ? `ratios ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))} over ${ratios.length} SNRs (${num(s?.samples)} samples)` : 'n/a',
        verdict: ratios.length ? grade(ratios.every((r) => r >= 0.5 && r <= 2), ratios.every((r) => r >= 0.2 && r <= 5)) : 'not run',
      };
    },
  },
  {
    id: 'supp1e-wilcoxon',
    figure: 'Supp. Fig. 1e',
    paper: 'The mean Pearson correlation between each neuron’s rate and the target rises with training (10 sessions, paired one-sided Wilcoxon signed-rank, p ≈ 0.002).',
    measure: 'Mean r over neurons before and per session after; exact one-sided Wilcoxon p.',
    rule: 'agrees: p ≤ 0.01; qualitatively: the mean over sessions rises but p > 0.01.',
    source: 'paper',
    parts: ['fig1'],
    evaluate: (get) => {
      const s = get('fig1')?.rateTargetCorrelation;
      const p = num(s?.wilcoxon?.pValue);
      const before = num(s?.meanBefore);
      const after = nums(s?.meanAfter);
      return { measured: `mean r ${fmt(before)} → ${fmt(after.length ? mean(after) : NaN)} (${after.filter((a) => a > before).length}/${after.length} sessions rise), p = ${fmt(p)}`, verdict: grade(p <= 0.01, after.length > 0 && mean(after) > before) };
    },
  },
  {
    id: 'supp1f-trainables',
    figure: 'Supp. Fig. 1f',
    paper: 'Training the gains by back-propagation does about as well as training x0, W or a rank-1 perturbation of W (10 targets).',
    measure: 'Median final errors of the four trainables (Adam, GainLab definition gradient-training).',
    rule: 'agrees: the gains’ median within a factor 3 of the best other trainable; qualitatively: within a factor 10.',
    source: 'paper',
    parts: ['supp1f'],
    evaluate: (get) => {
      const m = get('supp1f')?.medianFinalError ?? {};
      const gains = num(m.gains);
      const others = [num(m.x0), num(m.W), num(m.rank1)];
      const best = Math.min(...others);
      return { measured: `gains ${fmt(gains)}, x0 ${fmt(others[0])}, W ${fmt(others[1])}, rank-1 ${fmt(others[2])} (before ${fmt(num(get('supp1f')?.meanInitialError))})`, verdict: grade(gains <= 3 * best, gains <= 10 * best) };
    },
  },
  {
    id: 'supp2a-groups',
    figure: 'Supp. Fig. 2a',
    paper: 'A few modulatory groups suffice: the error falls as G grows (2, 10, 20, 200), and specialised groups beat random groups of the same number.',
    measure: 'Mean final error per G for random and specialised groups (GainLab definition specialised-groups).',
    rule: 'agrees: errors fall with G for both kinds and specialised < random at every G < N; qualitatively: specialised < random at some G.',
    source: 'paper',
    parts: ['supp2'],
    evaluate: (get) => {
      const a = (get('supp2')?.panelA ?? []) as Summary[];
      const grouped = a.filter((x) => x.G < Math.max(...a.map((y) => y.G)));
      const falls = (key: 'random' | 'specialised') => a.every((x, k) => k === 0 || num(x[key]?.mean) <= num(a[k - 1][key]?.mean));
      const better = grouped.filter((x) => num(x.specialised?.mean) < num(x.random?.mean)).length;
      return {
        measured: a.map((x) => `G=${x.groups}: random ${fmt(num(x.random?.mean))}, specialised ${fmt(num(x.specialised?.mean))}`).join('; ') || 'n/a',
        verdict: a.length ? grade(falls('random') && falls('specialised') && better === grouped.length, better > 0) : 'not run',
      };
    },
  },
  {
    id: 'supp2b-improvement',
    figure: 'Supp. Fig. 2b',
    paper: 'Specialised groups reach the performance of neuron-specific modulation (relative improvement E_NS/E_G near or above 1) for G = 10 and 20, more so when made per movement.',
    measure: 'Median over the movements of E_NS/E_G for shared and per-movement specialised groups.',
    rule: 'agrees: per-movement G = 20 median ≥ 0.8 and per-movement ≥ shared; qualitatively: per-movement ≥ shared.',
    source: 'paper',
    parts: ['supp2'],
    evaluate: (get) => {
      const imp = (get('supp2')?.relativeImprovement ?? []) as Summary[];
      const g20 = imp.find((x) => x.G === 20) ?? imp[imp.length - 1];
      const per = g20 ? median(nums(g20.perMovement)) : NaN;
      const shared = g20 ? median(nums(g20.shared)) : NaN;
      return {
        measured: imp.map((x) => `G=${x.G}: shared ${fmt(median(nums(x.shared)))}, per movement ${fmt(median(nums(x.perMovement)))}`).join('; ') || 'n/a',
        verdict: g20 ? grade(per >= 0.8 && per >= shared, per >= shared) : 'not run',
      };
    },
  },
  {
    id: 'supp2c-shared',
    figure: 'Supp. Fig. 2c',
    paper: 'Learning 5 movements, 20 shared specialised groups do better than 20 random groups.',
    measure: 'Movements on which the specialised groups’ mean error is below the random groups’.',
    rule: 'agrees: all movements; qualitatively: lower mean error over the movements.',
    source: 'paper',
    parts: ['supp2'],
    evaluate: (get) => {
      const s = get('supp2')?.movements;
      const count = num(s?.specialisedBeatsRandom);
      const total = num(get('supp2')?.settings?.movements);
      return { measured: `${count}/${total} movements; mean error specialised ${fmt(num(s?.meanError?.specialisedShared))}, random ${fmt(num(s?.meanError?.random))}, neuron-specific ${fmt(num(s?.meanError?.neuronSpecific))}`, verdict: grade(count === total, num(s?.meanError?.specialisedShared) < num(s?.meanError?.random)) };
    },
  },
  {
    id: 'supp2d-novel',
    figure: 'Supp. Fig. 2d',
    paper: 'The 20 specialised groups also help on novel movements they were not made for.',
    measure: 'Novel movements on which the specialised groups’ mean error is below 20 random groups’.',
    rule: 'agrees: at least 70 % of the novel movements; qualitatively: lower mean error over them.',
    source: 'paper',
    parts: ['supp2'],
    evaluate: (get) => {
      const s = get('supp2')?.novelMovements;
      const count = num(s?.specialisedBeatsRandom);
      const total = num(get('supp2')?.settings?.novelMovements);
      return { measured: `${count}/${total} novel movements; mean error specialised ${fmt(num(s?.meanError?.specialisedShared))}, random ${fmt(num(s?.meanError?.random))}`, verdict: grade(count >= 0.7 * total, num(s?.meanError?.specialisedShared) < num(s?.meanError?.random)) };
    },
  },
  {
    id: 'supp2fh-sizes',
    figure: 'Supp. Fig. 2e–h',
    paper: 'Larger networks learn as well with the same number of groups (errors and trials to come within 1 % of the minimum over 3 sizes).',
    measure: 'Mean error per size for G = 10 and 20 (sizes: GainLab definition supp2-sizes).',
    rule: 'agrees: for each G the largest/smallest mean error over sizes ≤ 3; qualitatively: ≤ 10.',
    source: 'paper',
    parts: ['supp2'],
    evaluate: (get) => {
      const sizes = (get('supp2')?.sizes ?? []) as Summary[];
      const Gs = [...new Set(sizes.map((x) => x.G))];
      const spread = Gs.map((G) => {
        const v = sizes.filter((x) => x.G === G).map((x) => num(x.meanError));
        return Math.max(...v) / Math.min(...v);
      });
      return {
        measured: sizes.map((x) => `N=${x.n} G=${x.G}: ${fmt(num(x.meanError))} (${fmt(num(x.medianTrialsTo1Percent), 4)} trials to 1 %)`).join('; ') || 'n/a',
        verdict: sizes.length ? grade(spread.every((r) => r <= 3), spread.every((r) => r <= 10)) : 'not run',
      };
    },
  },
  {
    id: 'fig4c-fit-predicts-output',
    figure: 'Fig. 4c',
    paper: 'For combinations of learned gain patterns the fit error predicts the network’s output error (points near the identity line).',
    measure: 'Per library (50th-smallest over the targets), GainLab definition primitives-combination: median output/fit ratio and Pearson r (raw errors) over all sizes; plain least squares beside.',
    rule: 'agrees: ratio ≤ 2 and r ≥ 0.8; qualitatively: r ≥ 0.5.',
    source: 'paper',
    parts: ['fig4'],
    evaluate: (get) => {
      const s = get('fig4');
      const r = num(s?.fitOutputCorrelation);
      const ratio = num(s?.medianOutputError) / num(s?.medianFitError);
      const ls = s?.leastSquares ?? {};
      return {
        measured: `bounded coefficients: median fit ${fmt(num(s?.medianFitError))}, output ${fmt(num(s?.medianOutputError))} (ratio ${fmt(ratio)}), r = ${fmt(r)}; least squares: ${fmt(num(ls.medianFitError))} vs ${fmt(num(ls.medianOutputError))}, r = ${fmt(num(s?.leastSquaresFitOutputCorrelation))}`,
        verdict: grade(ratio <= 2 && r >= 0.8, r >= 0.5),
      };
    },
  },
  {
    id: 'fig4d-library-size',
    figure: 'Fig. 4d, Supp. Fig. 3d',
    paper: 'Larger libraries give smaller errors.',
    measure: 'Median output error per library size l (bounded coefficients).',
    rule: 'agrees: the largest l’s error is at most a fifth of l = 1’s and falls at ≥ 80 % of the steps; qualitatively: it falls overall.',
    source: 'paper',
    parts: ['fig4'],
    evaluate: (get) => {
      const per = (get('fig4')?.perSize ?? []) as Summary[];
      const v = per.map((p) => num(p.medianOutput));
      const steps = v.slice(1).filter((x, k) => x <= v[k]).length;
      return {
        measured: per.map((p) => `l=${p.l}: ${fmt(num(p.medianOutput))}`).join(', ') || 'n/a',
        verdict: v.length > 1 ? grade(v[v.length - 1] <= v[0] / 5 && steps >= 0.8 * (v.length - 1), v[v.length - 1] < v[0]) : 'not run',
      };
    },
  },
  {
    id: 'supp3a-distribution',
    figure: 'Supp. Fig. 3a',
    paper: 'The gains learned for 100 targets are close to a normal distribution with the mean and variance of Fig. 1e.',
    measure: 'Normal fit of the pool’s gains vs Fig. 1e’s fit.',
    rule: 'agrees: |Δμ| ≤ 0.02 and σ within 25 %; qualitatively: |Δμ| ≤ 0.05 and σ within a factor 2.',
    source: 'paper',
    parts: ['supp3', 'fig1'],
    evaluate: (get) => {
      const a = get('supp3')?.poolGainFit;
      const b = get('fig1')?.gainFit;
      const dmu = Math.abs(num(a?.mu) - num(b?.mu));
      const rs = num(a?.sigma) / num(b?.sigma);
      return { measured: `pool μ = ${fmt(num(a?.mu), 4)}, σ = ${fmt(num(a?.sigma))}; Fig. 1e μ = ${fmt(num(b?.mu), 4)}, σ = ${fmt(num(b?.sigma))}`, verdict: grade(dmu <= 0.02 && rs >= 0.75 && rs <= 1.25, dmu <= 0.05 && rs >= 0.5 && rs <= 2) };
    },
  },
  {
    id: 'supp3c-random-alike',
    figure: 'Supp. Fig. 3c',
    paper: 'Outputs of random gain patterns drawn from that distribution are much more alike than those of learned patterns: a poor library.',
    measure: 'Mean pairwise Pearson r of the outputs, random vs learned (GainLab definition random-control-library).',
    rule: 'agrees: random exceeds learned by ≥ 0.2; qualitatively: random > learned.',
    source: 'paper',
    parts: ['supp3'],
    evaluate: (get) => {
      const s = get('supp3')?.outputSimilarity;
      const r = num(s?.random);
      const l = num(s?.learned);
      return { measured: `random ${fmt(r)}, learned ${fmt(l)}`, verdict: grade(r - l >= 0.2, r > l) };
    },
  },
  {
    id: 'supp3d-learned-vs-random',
    figure: 'Supp. Fig. 3d',
    paper: 'Libraries of learned patterns beat libraries of random patterns.',
    measure: 'Median output error per l, learned vs random, for l ≥ 5.',
    rule: 'agrees: learned < random at every l ≥ 5; qualitatively: at most of them.',
    source: 'paper',
    parts: ['supp3'],
    evaluate: (get) => {
      const conds = (get('supp3')?.perCondition ?? []) as Summary[];
      const learned = conds.find((c) => c?.condition === 'learned')?.perSize ?? [];
      const random = conds.find((c) => c?.condition === 'random')?.perSize ?? [];
      const pairs = (learned as Summary[]).filter((p) => p.l >= 5).map((p) => [num(p.medianOutput), num((random as Summary[]).find((q) => q.l === p.l)?.medianOutput)]);
      const wins = pairs.filter(([a, b]) => a < b).length;
      return { measured: pairs.length ? `learned better at ${wins}/${pairs.length} sizes (l ≥ 5)` : 'n/a', verdict: pairs.length ? grade(wins === pairs.length, wins > pairs.length / 2) : 'not run' };
    },
  },
  {
    id: 'supp3ij-correlation',
    figure: 'Supp. Fig. 3i–j',
    paper: 'Fit and output errors are correlated over the 100 libraries and over the 100 targets, for every library size.',
    measure: 'Median over l of the Pearson r (raw errors) over libraries and over targets.',
    rule: 'agrees: both medians ≥ 0.8; qualitatively: both ≥ 0.5.',
    source: 'paper',
    parts: ['supp3'],
    evaluate: (get) => {
      const learned = ((get('supp3')?.perCondition ?? []) as Summary[]).find((c) => c?.condition === 'learned')?.perSize ?? [];
      const a = median((learned as Summary[]).map((p) => num(p.correlationOverLibraries)));
      const b = median((learned as Summary[]).map((p) => num(p.correlationOverTargets)));
      return { measured: `over libraries ${fmt(a)}, over targets ${fmt(b)}`, verdict: grade(a >= 0.8 && b >= 0.8, a >= 0.5 && b >= 0.5) };
    },
  },
  {
    id: 'supp4-low-rate',
    figure: 'Supp. Fig. 4',
    paper: 'With baseline rate r0 = 5 Hz the same holds: fit and output errors correlate and larger libraries fit better.',
    measure: 'r0 = 5 Hz sweep: median Pearson r over libraries; output error at the largest vs the smallest l.',
    rule: 'agrees: r ≥ 0.8 and the error falls with l; qualitatively: r ≥ 0.5.',
    source: 'paper',
    parts: ['supp3'],
    evaluate: (get) => {
      const low = ((get('supp3')?.perCondition ?? []) as Summary[]).find((c) => String(c?.condition).startsWith('r0_'))?.perSize ?? [];
      const per = low as Summary[];
      const r = median(per.map((p) => num(p.correlationOverLibraries)));
      const falls = per.length > 1 && num(per[per.length - 1].medianOutput) < num(per[0].medianOutput);
      return { measured: per.length ? `r = ${fmt(r)}; output error l=${per[0].l}: ${fmt(num(per[0].medianOutput))} → l=${per[per.length - 1].l}: ${fmt(num(per[per.length - 1].medianOutput))}` : 'n/a', verdict: per.length ? grade(r >= 0.8 && falls, r >= 0.5) : 'not run' };
    },
  },
  {
    id: 'supp8-fixed',
    figure: 'Supp. Fig. 8 (Fig. 6b)',
    paper: 'Amplitude fixed: the error falls from about 1.22 to 0.02 (98.4 %).',
    measure: 'Reward rule on the Fig. 6b task (GainLab definition slow-task-reward-settings): condition 1’s error before and after, mean over sessions.',
    rule: 'agrees: final within a factor 2 of 0.02; qualitatively: reduction ≥ 90 %.',
    source: 'paper',
    parts: ['supp5'],
    evaluate: (get) => {
      const c = supp8Condition(get('supp5'), 'fixed');
      const reduction = 1 - c.final / c.initial;
      return { measured: `${fmt(c.initial)} → ${fmt(c.final)} (${pct(reduction)})`, verdict: grade(c.final >= 0.01 && c.final <= 0.04, reduction >= 0.9) };
    },
  },
  {
    id: 'supp8-scaled',
    figure: 'Supp. Fig. 8',
    paper: 'Amplitude scaled by 1/25: the error falls from about 128 to 0.9 (99.3 %).',
    measure: 'As above with the slow target × 1/s².',
    rule: 'agrees: final within a factor 2 of 0.9; qualitatively: reduction ≥ 90 %.',
    source: 'paper',
    parts: ['supp5'],
    evaluate: (get) => {
      const c = supp8Condition(get('supp5'), 'scaled');
      const reduction = 1 - c.final / c.initial;
      return { measured: `${fmt(c.initial)} → ${fmt(c.final)} (${pct(reduction)})`, verdict: grade(c.final >= 0.45 && c.final <= 1.8, reduction >= 0.9) };
    },
  },
  {
    id: 'supp8-scaled-larger',
    figure: 'Supp. Fig. 8',
    paper: 'The scaled task’s error stays larger than the fixed one’s, because the error is normalised by the (25² times smaller) variance of the target.',
    measure: 'Final errors of condition 1, scaled vs fixed.',
    rule: 'agrees: scaled > fixed.',
    source: 'paper',
    parts: ['supp5'],
    evaluate: (get) => {
      const f = supp8Condition(get('supp5'), 'fixed').final;
      const s = supp8Condition(get('supp5'), 'scaled').final;
      return { measured: `scaled ${fmt(s)} vs fixed ${fmt(f)}`, verdict: grade(s > f, false) };
    },
  },
  {
    id: 'supp5ab-learnable',
    figure: 'Supp. Fig. 5a–b',
    paper: 'Slow variants of the movements are learnable with the reward rule and with back-propagation (400 neurons, 40 groups).',
    measure: 'Mean reduction of the error (summed over initial conditions) over movements and sessions, per rule.',
    rule: 'agrees: ≥ 90 % for both rules; qualitatively: ≥ 50 % for both.',
    source: 'paper',
    parts: ['supp5'],
    evaluate: (get) => {
      const per = (get('supp5')?.perMovement ?? []) as Summary[];
      const red = (rule: 'reward' | 'gradient') => mean(per.map((p) => 1 - num(p[rule]?.mean) / num(p[rule]?.initial)));
      const r = red('reward');
      const g = red('gradient');
      return { measured: per.length ? `reward ${pct(r)}, back-propagation ${pct(g)} over ${per.length} movements` : 'n/a', verdict: per.length ? grade(r >= 0.9 && g >= 0.9, r >= 0.5 && g >= 0.5) : 'not run' };
    },
  },
  {
    id: 'fig6b-reward',
    figure: 'Fig. 6b',
    paper: 'The reward rule learns a 5× slower version of the movement (two initial conditions, 40 groups).',
    measure: 'One session, error summed over the two initial conditions, before and after.',
    rule: 'agrees: reduction ≥ 90 %; qualitatively: ≥ 50 %.',
    source: 'paper',
    parts: ['fig6'],
    evaluate: (get) => {
      const v = ((get('fig6')?.slowVariant ?? []) as Summary[]).find((x) => x.figure === '6b');
      const red = 1 - num(v?.bestError) / num(v?.initialError);
      return { measured: v ? `${fmt(num(v.initialError))} → ${fmt(num(v.bestError))} (${pct(red)})` : 'n/a', verdict: v ? grade(red >= 0.9, red >= 0.5) : 'not run' };
    },
  },
  {
    id: 'fig6c-backprop',
    figure: 'Fig. 6c',
    paper: 'Back-propagation learns the same task.',
    measure: 'As above with Adam (gains ≥ 0).',
    rule: 'agrees: reduction ≥ 90 %; qualitatively: ≥ 50 %.',
    source: 'paper',
    parts: ['fig6'],
    evaluate: (get) => {
      const v = ((get('fig6')?.slowVariant ?? []) as Summary[]).find((x) => x.figure === '6c');
      const red = 1 - num(v?.bestError) / num(v?.initialError);
      return { measured: v ? `${fmt(num(v.initialError))} → ${fmt(num(v.bestError))} (${pct(red)})` : 'n/a', verdict: v ? grade(red >= 0.9, red >= 0.5) : 'not run' };
    },
  },
  {
    id: 'fig6e-manifold',
    figure: 'Fig. 6e',
    paper: 'Gain patterns are learned for 7 evenly spaced speeds from T to 5T (the speed manifold).',
    measure: 'Learned error vs the error of gains 1 at every speed above T (GainLab definition speed-manifold).',
    rule: 'agrees: every reduction ≥ 80 %; qualitatively: every reduction ≥ 50 %.',
    source: 'paper',
    parts: ['fig6'],
    evaluate: (get) => {
      const s = get('fig6');
      const init = nums(s?.initialErrors).slice(1);
      const learned = nums(s?.learnedErrors).slice(1);
      const red = learned.map((e, k) => 1 - e / init[k]);
      return { measured: red.length ? `reductions ${red.map(pct).join(', ')}` : 'n/a', verdict: red.length ? grade(red.every((r) => r >= 0.8), red.every((r) => r >= 0.5)) : 'not run' };
    },
  },
  {
    id: 'fig6f-interpolation',
    figure: 'Fig. 6f',
    paper: 'Linear interpolation between the fast and the slow pattern gives movements at intermediate speeds.',
    measure: 'Time-stretch factor of the interpolated outputs against λ (GainLab definition stretch-factor).',
    rule: 'agrees: rises monotonically from ≈ 1 (±0.1) at λ = 0 to within 15 % of the slowest factor at λ = 1; qualitatively: rises overall.',
    source: 'paper',
    parts: ['fig6'],
    evaluate: (get) => {
      const s = get('fig6');
      const f = ((s?.stretchFactorsByLambda ?? []) as Summary[]).map((x) => num(x.mean));
      const top = Math.max(...nums(s?.factors));
      const monotone = f.every((v, k) => k === 0 || v >= f[k - 1] - 1e-3);
      return {
        measured: f.length ? `stretch ${f.map((v) => fmt(v, 3)).join(', ')} for λ = 0…1` : 'n/a',
        verdict: f.length ? grade(monotone && Math.abs(f[0] - 1) <= 0.1 && within(f[f.length - 1], top, 0.15), f[f.length - 1] > f[0]) : 'not run',
      };
    },
  },
  {
    id: 'fig8-two-speeds',
    figure: 'Fig. 8, Supp. Fig. 7',
    paper: 'Novel movements at a fast and a slow speed (100 targets) can be produced from shape libraries at both speeds with comparable errors.',
    measure: 'Median output error over the novel targets, slow vs fast (GainLab definitions shape-speed-combination, primitives-combination).',
    rule: 'agrees: slow/fast median ratio within [1/3, 3]; qualitatively: within [1/10, 10].',
    source: 'paper',
    parts: ['fig8'],
    evaluate: (get) => {
      const m = get('fig8')?.medians ?? {};
      const r = num(m.slow_output) / num(m.fast_output);
      return { measured: `fast ${fmt(num(m.fast_output))}, slow ${fmt(num(m.slow_output))} (ratio ${fmt(r)}); factorised ${fmt(num(m.slow_factorised_output))}`, verdict: grade(r >= 1 / 3 && r <= 3, r >= 0.1 && r <= 10) };
    },
  },
];
