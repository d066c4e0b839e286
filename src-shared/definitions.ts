/**
 * GainLab's own definitions: every place where GainLab had to decide something the paper's public
 * material (its text, legends and the authors' published MATLAB demo) does not pin down. One
 * registry, so the CLI summaries, the experiment descriptions, the reproduction report and the
 * app's badges (DefinitionBadge.vue) all name the same thing with the same words.
 *
 * Each entry: a short title, what GainLab does, why (what the paper leaves open and why this
 * choice), and the section of the model specification it belongs to. Anything not listed here
 * follows the paper's code or text.
 */

export interface GainLabDefinition {
  id: string;
  title: string;
  /** What GainLab does, in one or two sentences. */
  what: string;
  /** Why: what the paper leaves open and why this choice. */
  why: string;
  /** Section of the model specification (docs/METHODS.md) it belongs to. */
  section: string;
}

function defs<const T extends Record<string, Omit<GainLabDefinition, 'id'>>>(entries: T): { [K in keyof T]: GainLabDefinition & { id: K } } {
  const out = {} as { [K in keyof T]: GainLabDefinition & { id: K } };
  for (const key of Object.keys(entries) as Array<keyof T & string>) out[key] = { id: key, ...entries[key] } as GainLabDefinition & { id: typeof key };
  return out;
}

export const DEFINITIONS = defs({
  'own-soc-network': {
    title: 'GainLab-built SOC network',
    what: 'Without a given network, an experiment builds an SOC network from its seed (paper recipe, adaptive step size, same stopping rule and constraints), takes x0 from its observability Gramian and fits an NNLS readout (all gains 1) to generated target seed 1.',
    why: 'The paper publishes one 200-neuron network; other sizes and seeds must be built. The readout target of the authors’ other networks is not published.',
    section: '§4',
  },
  'readout-nnls': {
    title: 'Non-negative readout fit',
    what: 'The readout is fitted once, all gains 1, by non-negative least squares on [1, f(x_E)] (offset ≥ 0).',
    why: 'The published readout is sparse and all non-negative, as NNLS gives; the fitting procedure itself is not published.',
    section: '§2',
  },
  'multi-channel-error': {
    title: 'Error over several channels or conditions',
    what: 'With several output channels the numerator and denominator of E are summed over channels; with several initial conditions learned jointly the errors E_m are summed.',
    why: 'The paper’s error is defined for one output; how it combines channels and initial conditions is not stated.',
    section: '§2, §10',
  },
  'initial-conditions-top-m': {
    title: 'm initial conditions',
    what: 'Several initial conditions are the top m eigenvectors of the observability Gramian, each scaled to ‖x0‖ = 1.5·√N with the sign that makes the mean over E neurons positive.',
    why: 'The paper uses 2 (and up to 10) initial conditions without publishing them; the first one is exactly the published x0.',
    section: '§3',
  },
  'generated-targets': {
    title: 'Generated target movements',
    what: 'Targets are sums of 2–4 Gaussian bumps (centres 60–440 ms, widths 25–80 ms, amplitudes ±5–25), tapered to start and end at 0, drawn from a seed.',
    why: 'The paper’s 100+ target movements are not published (only one novel target is).',
    section: '§8',
  },
  'gradient-training': {
    title: 'Back-propagation = Adam on the exact adjoint',
    what: 'Back-propagation minimises the same error through the RK4 unroll (exact discrete adjoint) with Adam (lr 1e-2, β 0.9/0.999).',
    why: 'The paper compares with back-propagation but does not publish its optimiser or settings.',
    section: '§6',
  },
  'gain-positivity': {
    title: 'Gains kept non-negative (gradient); reported (reward rule)',
    what: 'Adam on gains is projected onto g ≥ 0 after every step (a gain of 0 silences a neuron; below 0 its tanh would flip). The reward rule runs as published (no bound) and every result reports how many trained gains are negative.',
    why: 'A negative gain has no biological meaning and breaks the analysis f′(0) = g ≥ 0; Adam on the slow task drives a gain to −0.23 without the bound. The reward rule is the paper’s code and stays unchanged.',
    section: '§5, §6',
  },
  'specialised-groups': {
    title: 'Specialised groups by k-means',
    what: 'Neuron-specific gains are learned (Adam) for the training movements; each neuron is described by its gain changes g − 1 across them; k-means (k-means++ seeding, fixed seed) groups them.',
    why: 'The paper groups neurons by their learned gain changes but does not publish the clustering method.',
    section: '§7',
  },
  'supp2-sizes': {
    title: 'Network sizes of Supp. Fig. 2e–h',
    what: 'Three sizes, N = 100, 200 and 400, each an SOC network built from the experiment’s seed.',
    why: 'The legend shows three network sizes and names the 400-neuron one; the other two sizes are GainLab’s choice.',
    section: '§7',
  },
  'noise-robustness': {
    title: 'Noise robustness measure (Supp. Fig. 1d)',
    what: 'For each SNR the same noisy x0 samples drive the network with gains 1 and with every trained pattern; the measure is the normalised error E of the noisy output against the noise-free output of the same gains; mean ± SD (n − 1) over all samples (and patterns).',
    why: 'The legend gives the comparison (noisy vs noise-free output) but not the error measure; the paper’s own error E is used.',
    section: '§11',
  },
  'example-neuron': {
    title: 'Example neuron of Supp. Fig. 1e',
    what: 'The neuron whose rate changes most (largest RMS difference between its rate after and before training, best session).',
    why: 'The legend shows “one neuron whose dynamics change a lot” without saying how it was chosen.',
    section: '§11',
  },
  'primitives-combination': {
    title: 'Combining gain patterns: bounded coefficients',
    what: 'Coefficients c minimise ‖m(1) + Σ c_k (m_k − m(1)) − m*‖² + δ·s̄·‖c‖² with δ = 0 when the least-squares coefficients have Σ|c_k| ≤ 2, else the smallest δ whose coefficients meet Σ|c_k| ≤ 2 (bisection on log δ). Plain least squares remains an option.',
    why: 'The paper fits novel movements as combinations without publishing the fitting rule. The fit is a first-order prediction whose error includes each pattern’s own second-order remainder times its coefficient; plain least squares gives large, cancelling coefficients, so the fit error is small (0.0115) while the network output with the combined gains is far off (2.07). Bounding Σ|c_k| keeps the output error close to the fit error (ratio 1.0–1.9, r ≥ 0.96, measured on the published network).',
    section: '§9',
  },
  'random-control-library': {
    title: 'Random-pattern control library',
    what: 'Random gain patterns g = 1 + d with d drawn per neuron from the normal fitted to the learned gains’ deviations.',
    why: 'The legend says patterns were drawn from that distribution, not how.',
    section: '§9',
  },
  'slow-variant': {
    title: 'Slow variants of a movement',
    what: 'm_s(t) = m(t/s) over s·T (s = 5) by linear interpolation, optionally × 1/s²; the network runs s·T with the same step length.',
    why: 'The paper asks for “5 times slower” movements; the resampling is GainLab’s.',
    section: '§8',
  },
  'slow-task-movements': {
    title: 'Movements of the speed tasks',
    what: 'Movement k: the readout is refitted (NNLS, gains 1, from the first initial condition) to generated target k; each initial condition’s output with gains 1 is its fast movement and its 5× slow variant the target.',
    why: 'The paper learns slow variants of 10 movements the network already produces, without publishing them.',
    section: '§10',
  },
  'slow-task-reward-settings': {
    title: 'Reward-rule σ and trials for the slow tasks',
    what: 'On the 5× slower tasks (Figs. 6b, Supp. Figs. 5 and 8) the reward rule uses σ = 0.003 and 5 000 trials (both are settings: --sigma, --trials).',
    why: 'The paper does not give σ or the trial count for these figures. Measured on the published network (docs/reproduction/slow-task-sigma.md): with the Fig. 1 value σ = 0.001 the gains travel too slowly (0.73 after 5 000 trials, 40 groups), with σ ≥ 0.01 the rule stalls (0.40–0.69); σ = 0.003 is the best of the grid (0.28 with 40 groups, 0.22 neuron-specific) but 5 000 trials do not reach the paper’s 0.02 — that takes many more trials, which the report’s verdicts state.',
    section: '§5, §10',
  },
  'speed-manifold': {
    title: 'Speed manifold',
    what: 'One gain pattern per speed, learned jointly over m = 2 initial conditions (errors summed), at 7 evenly spaced durations from T to 5T (each a whole number of steps), 40 random groups; the fast pattern is g = 1. The Speed view starts each speed from the pattern learned at the speed before; the Fig. 6 experiment learns each speed from g = 1 on its own (one resumable checkpoint per speed).',
    why: 'Fig. 6e shows such patterns; how they were learned beyond groups and initial conditions is not published.',
    section: '§10',
  },
  'stretch-factor': {
    title: 'Time-stretch factor',
    what: 'The factor s that best fits an interpolated output as the fast output played s times slower (least squares over a grid, golden-section refinement).',
    why: 'Fig. 6f shows interpolated outputs; the paper does not define a stretch measure.',
    section: '§10',
  },
  'shape-speed-combination': {
    title: 'Shape and speed primitives combined (Fig. 8)',
    what: 'Shape libraries are learned at T and at 5T; novel targets are fitted on the library of their speed, and also factorised: the fast fit’s gain change added to a pattern that plays the network’s own movement 5× slower.',
    why: 'Fig. 8’s construction is not described in detail in the public material.',
    section: '§9, §10',
  },
  'verdict-rule': {
    title: 'Verdict of the reproduction report',
    what: '“agrees”: the measured value is within the claim’s stated tolerance of the paper’s value (or the paper’s statement holds with its test); “qualitatively agrees”: the direction or ordering holds but the number is outside tolerance; “differs”: neither.',
    why: 'The paper gives values and statements, not tolerances; each claim states its own.',
    section: 'report',
  },
});

export type DefinitionId = keyof typeof DEFINITIONS;

export const DEFINITION_IDS = Object.keys(DEFINITIONS) as DefinitionId[];

export function definition(id: DefinitionId): GainLabDefinition {
  return DEFINITIONS[id];
}

/** "GainLab definitions: a (…), b (…)" for one-line CLI summaries. */
export function definitionsLine(ids: readonly DefinitionId[]): string {
  if (ids.length === 0) return 'GainLab definitions: none (paper code and text only)';
  return `GainLab definitions: ${ids.map((id) => `${DEFINITIONS[id].title} [${id}]`).join('; ')}`;
}
