/**
 * The `gainlab` commands: name → one-line summary and a lazy loader of its module
 * (src-cli/commands/<name>.ts, exporting `run(argv, io): Promise<number>`). Modules load on demand
 * so `gainlab --help` stays fast and a command whose module is missing or broken fails alone, with
 * a clear message, instead of breaking the whole tool.
 */
import type { CliIo } from '../cliSupport.js';

export interface CommandModule {
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CommandEntry {
  summary: string;
  /** Who writes the module (named in the error when it cannot be loaded). */
  owner?: string;
  load(): Promise<CommandModule>;
}

// Literal import paths so bundlers (electron-vite) see and split every command.
export const COMMANDS: Record<string, CommandEntry> = {
  soc: {
    summary: 'build an SOC network (W.npy, x0.npy, soc-log.json)',
    load: () => import('./soc.js'),
  },
  'fit-readout': {
    summary: 'fit a non-negative readout to a target with all gains 1 (writes readout.npy)',
    load: () => import('./fit-readout.js'),
  },
  simulate: {
    summary: 'simulate one movement; error against a target; rates.npy, output.npy',
    load: () => import('./simulate.js'),
  },
  train: {
    summary: 'learn gains for a target (reward-based rule or gradient); JSON summary',
    load: () => import('./train.js'),
  },
  run: { summary: 'repeat a training run from its exported recipe, bit for bit', load: () => import('./run.js') },
  experiment: { summary: "run a paper experiment at the paper's set-up: fig1, supp1f, supp2, fig4, supp3, fig6, supp5, fig8 (--out DIR [--quick] [settings])", owner: 'the analyses part (src-cli/commands/experiment.ts)', load: () => import('./experiment.js') },
  reproduce: { summary: 'reproduce the paper claim by claim: one self-contained DIR/report.html (--out DIR [--quick | --full])', owner: 'the analyses part (src-cli/commands/reproduce.ts)', load: () => import('./reproduce.js') },
  sweep: {
    summary: 'parameter sweeps here or on SLURM: plan, run, slurm, status, resubmit, collect (NAME.sweep.json)',
    load: () => import('./sweep.js'),
  },
  inspect: {
    summary: 'describe a .gainlab project file',
    owner: 'the project-files part of GainLab (src-cli/commands/inspect.ts)',
    load: () => import('./inspect.js'),
  },
};
