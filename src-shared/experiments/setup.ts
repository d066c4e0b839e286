/**
 * What an experiment run rests on, stated in its result: the GainLab definitions it uses
 * (src-shared/definitions.ts) and every way its settings depart from the paper's set-up. The
 * summary's `setup` field carries both to the CLI line, summary.json, the app's Experiments view
 * and the reproduction report; a run is labelled "paper set-up" only when nothing departs.
 */
import { DEFINITIONS, type DefinitionId } from '../definitions.js';

export interface SetupSummary {
  /** True when the run used the paper's set-up in every setting GainLab knows of. */
  paperSetup: boolean;
  departures: string[];
  definitions: Array<{ id: DefinitionId; title: string }>;
}

function show(value: unknown): string {
  if (Array.isArray(value)) {
    // runs of consecutive integers as a–b (library sizes 1…50)
    if (value.length > 3 && value.every((v, k) => Number.isInteger(v) && (k === 0 || v === value[k - 1] + 1))) return `${value[0]}–${value[value.length - 1]}`;
    return `[${value.map(show).join(', ')}]`;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return String(value);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, k) => same(v, b[k]));
  return a === b;
}

/**
 * "sessions 3 (paper 10)" for every labelled setting whose value differs from the paper's.
 * `labels` names the settings to compare (others are bookkeeping, e.g. seeds of generated targets).
 */
export function departuresFrom<T extends object>(paper: T, actual: T, labels: Partial<Record<keyof T, string>>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(labels) as Array<keyof T>) {
    if (!same(paper[key], actual[key])) out.push(`${labels[key]} ${show(actual[key])} (paper ${show(paper[key])})`);
  }
  return out;
}

/**
 * The settings as the run used them: with a given network (the published one, a project's, `--net`)
 * its size replaces the preset's `n`, which sized only the network GainLab would have built — a
 * quick run on the published network is N = 200, not the quick preset's 40. Departures and the
 * summary's `settings` are stated from these.
 */
export function settingsAsRun<T extends { n: number }>(settings: T, options: { network?: { n: number } }): T {
  return options.network && options.network.n !== settings.n ? { ...settings, n: options.network.n } : settings;
}

/**
 * The definitions behind an experiment's network. Without a given network it builds its own
 * ('own-soc-network', whose readout is an NNLS fit); a given network (the published one, a
 * project's, `--net`) keeps its own readout, unless the run refits one on it (Supp. 4's r0 = 5 Hz,
 * Supp. 5's other movements): then only 'readout-nnls'.
 */
export function networkDefinitions(givenNetwork: boolean, refitsReadout = false): DefinitionId[] {
  if (!givenNetwork) return ['own-soc-network', 'readout-nnls'];
  return refitsReadout ? ['readout-nnls'] : [];
}

export function setupSummary(definitions: readonly DefinitionId[], departures: readonly string[]): SetupSummary {
  return {
    paperSetup: departures.length === 0,
    departures: [...departures],
    definitions: [...new Set(definitions)].map((id) => ({ id, title: DEFINITIONS[id].title })),
  };
}

/** One line for the CLI: "paper set-up" or the departures, then the definitions. */
export function setupLine(setup: SetupSummary): string {
  const head = setup.paperSetup ? 'paper set-up' : `departs from the paper: ${setup.departures.join('; ')}`;
  const defs = setup.definitions.length ? `; GainLab definitions: ${setup.definitions.map((d) => d.id).join(', ')}` : '';
  return `${head}${defs}`;
}
