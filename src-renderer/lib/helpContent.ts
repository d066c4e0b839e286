/**
 * What the Help view says, as data (tests check it against the menu's accelerators and the
 * package's version): the workflow guide, the keyboard shortcuts, and how to cite the paper and
 * GainLab.
 */

export type HelpSection = 'guide' | 'shortcuts' | 'about';

export interface Shortcut {
  /** Keys as shown, with "Ctrl" (⌘ on a Mac). */
  keys: string;
  what: string;
  /** The Electron accelerator of the same command (menuTemplate.ts), when the menu has one. */
  accelerator?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Ctrl+N', what: 'New project (asks first when there are unsaved changes)', accelerator: 'CmdOrCtrl+N' },
  { keys: 'Ctrl+O', what: 'Open a project file', accelerator: 'CmdOrCtrl+O' },
  { keys: 'Ctrl+S', what: 'Save the project', accelerator: 'CmdOrCtrl+S' },
  { keys: 'Ctrl+Shift+S', what: 'Save the project as a new file', accelerator: 'CmdOrCtrl+Shift+S' },
  { keys: 'Ctrl+Z', what: 'Undo the last change to the project (deletions, renames, notes, edits)' },
  { keys: 'Ctrl+Y or Ctrl+Shift+Z', what: 'Redo' },
  { keys: '?', what: 'Open this sheet (when not typing in a field)' },
  { keys: 'Esc', what: 'Close a dialog or this help; in a full view (analyses, runs, experiments…), go back as its Back button does' },
  { keys: '↑ ↓ in a number field', what: 'Step the value (Page Up / Page Down: ten steps)' },
  { keys: '← → ↑ ↓ in the movement plot', what: 'Choose a control point (Home, End: the first, the last) and move it up or down (Shift: ten times as far)' },
];

export interface GuideStep {
  id: 'network' | 'target' | 'train' | 'analyse' | 'primitives' | 'speed' | 'experiments' | 'sweeps';
  title: string;
  text: string;
}

/** The workflow, in the order a study goes (model-spec §§1–10), then the paper's figures and sweeps over a run. */
export const GUIDE: readonly GuideStep[] = [
  {
    id: 'network',
    title: '1. Network',
    text: 'Start from the example project (an SOC network GainLab built from a seed, N = 200; not the authors’ published network, which you can import as .npy files) or build one under Build network: N, p, R, γ and the target α; the SOC optimisation runs as a job. Give it initial conditions (Gramian eigenvectors) and fit a readout to a movement so it has an output. .npy networks (W.npy, x0.npy, readout.npy) import there too.',
  },
  {
    id: 'target',
    title: '2. Target movement',
    text: 'Choose a target in the sidebar, or draw, generate or import one in the movement editor (Draw target…): Import .npy (K samples or C×K, e.g. the published novel_target.npy; another length is resampled linearly onto the movement, its first and last sample at 0 and T) or Import CSV. A slow variant (s × T) is the s× button next to a target in the sidebar list.',
  },
  {
    id: 'train',
    title: '3. Train the gains',
    text: 'In Train gains pick the reward-based rule (the paper: σ = 0.001, α = 0.3, 5 000 trials, 10 sessions) or gradient descent (Adam), one gain per neuron (G = N) or G groups. The error curve and the output update live; every run is kept in the project, and a project opened again shows its last run on the same cards.',
  },
  {
    id: 'analyse',
    title: '4. Analyse',
    text: 'Analyses… on a finished run: outputs over training, gains and their histogram, firing rates, correlations, eigenvalues before and after, robustness to a noisy x0. Runs… compares every run of the project and exports recipes.',
  },
  {
    id: 'primitives',
    title: '5. Motor primitives',
    text: 'Primitives… learns a library (one gain pattern per target), fits a novel target as a combination of the patterns and refines from there (Fig. 4).',
  },
  {
    id: 'speed',
    title: '6. Speed',
    text: 'Speed… learns one pattern per movement duration (T to 5T), shows the speed manifold and lets you drag the speed slider between the fast and the slow pattern (Figs. 6–8).',
  },
  {
    id: 'experiments',
    title: '7. The paper’s figures',
    text: 'Experiments… runs each of the paper’s figures with one click: Quick (a small network, seconds) or Full (the paper’s settings, minutes to hours), on GainLab’s own SOC network or a network of the project (e.g. the published one, imported). Each result says how its set-up departs from the paper’s; its figures and data export as SVG, PNG, CSV or a zip. The Reproduction report checks the paper claim by claim (quick here; gainlab reproduce for the full one).',
  },
  {
    id: 'sweeps',
    title: '8. Parameter sweeps',
    text: 'Sweeps… varies a stored run’s settings (seeds, σ, α, groups, rule, trials, targets, N) over a grid or a list, plans the time and memory, runs the tasks here or exports them for a SLURM cluster, and plots the final error against each factor; Import results brings a cluster’s collected sweep back. The project must be saved first: a sweep lives in a folder beside its file.',
  },
];

export const PAPER_CITATION =
  'Stroud, J. P., Porter, M. A., Hennequin, G. & Vogels, T. P. Motor primitives in space and time via targeted gain modulation in cortical networks. Nature Neuroscience 21, 1774–1783 (2018). doi:10.1038/s41593-018-0276-0';

export const PAPER_DOI = '10.1038/s41593-018-0276-0';

export const PAPER_BIBTEX = `@article{stroud2018motor,
  author  = {Stroud, Jake P. and Porter, Mason A. and Hennequin, Guillaume and Vogels, Tim P.},
  title   = {Motor primitives in space and time via targeted gain modulation in cortical networks},
  journal = {Nature Neuroscience},
  volume  = {21},
  number  = {12},
  pages   = {1774--1783},
  year    = {2018},
  doi     = {${PAPER_DOI}}
}`;

/** GainLab itself, at the version running (the About box and README show it). */
export function gainlabBibtex(version: string): string {
  return `@software{gainlab,
  title   = {GainLab: gain modulation in stability-optimised motor-cortex networks},
  version = {${version}},
  year    = {2026},
  license = {MIT},
  note    = {Reproduces and extends Stroud et al., Nature Neuroscience 21, 1774--1783 (2018), doi:${PAPER_DOI}}
}`;
}

export const LICENCE = 'MIT';
