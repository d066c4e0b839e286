/**
 * Full runs are the paper's set-up (the paper's figure legends): each
 * definition's full preset against the numbers the legends give; the quick presets depart and say
 * so; a GainLab definition behind every setting that has one.
 */
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_CATALOG, presetSettings, settingDefinition } from '../../src-shared/experiments/catalog.js';
import { FIG1_SETTINGS } from '../../src-shared/experiments/fig1.js';
import { SUPP2_SETTINGS } from '../../src-shared/experiments/supp2.js';
import { SUPP5_SETTINGS } from '../../src-shared/experiments/supp5.js';
import { DEFINITION_IDS } from '../../src-shared/definitions.js';
import { departuresFrom } from '../../src-shared/experiments/setup.js';

describe("the paper's set-up by default", () => {
  it('legend numbers: sessions, trials, σ, groups, sizes, initial conditions, movements, sample counts', () => {
    expect(presetSettings('fig1', false)).toMatchObject({ sessions: 10, trials: 5000, sigma: 0.001, alpha: 0.3, noiseSamples: 1000, n: 200 });
    expect(presetSettings('supp1f', false)).toMatchObject({ targets: 10 });
    expect(presetSettings('supp2', false)).toMatchObject({ sessions: 10, trials: 5000, movements: 5, targets: 10, n: 200 });
    expect(SUPP2_SETTINGS.full.groupCounts).toEqual([2, 10, 20, 0]);
    expect(SUPP2_SETTINGS.full.sharedGroups).toBe(20);
    expect(SUPP2_SETTINGS.full.sizes).toHaveLength(3);
    expect(SUPP2_SETTINGS.full.sizes).toContain(400);
    expect(presetSettings('fig4', false)).toMatchObject({ pool: 100, rule: 'reward', libraries: 100, targets: 100 });
    expect(presetSettings('supp3', false)).toMatchObject({ pool: 100, rule: 'reward', libraries: 100, targets: 100 });
    expect(presetSettings('supp3', false).librarySizes).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    expect(presetSettings('supp5', false)).toMatchObject({ n: 400, groups: 40, conditions: 2, movements: 10, sessions: 10 });
    expect(SUPP5_SETTINGS.full.conditionSweep).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(SUPP5_SETTINGS.full.exampleConditions).toBe(6);
    expect(presetSettings('fig6', false)).toMatchObject({ n: 400, conditions: 2, groups: 40, speeds: 7, rule: 'reward' });
    expect(presetSettings('fig8', false)).toMatchObject({ n: 400, groups: 40, targets: 100, rule: 'reward' });
  });

  it('quick presets depart from the paper and the departures are named', () => {
    const labels = { n: 'network size', sessions: 'sessions', trials: 'trials' } as const;
    expect(departuresFrom(FIG1_SETTINGS.full, FIG1_SETTINGS.quick, labels)).toEqual(['network size 40 (paper 200)', 'sessions 3 (paper 10)', 'trials 1000 (paper 5000)']);
    expect(departuresFrom(FIG1_SETTINGS.full, FIG1_SETTINGS.full, labels)).toEqual([]);
  });

  it('every definition an experiment or a setting names is in the registry', () => {
    for (const e of EXPERIMENT_CATALOG) {
      for (const d of e.definitions) expect(DEFINITION_IDS).toContain(d);
      for (const key of e.overrides) {
        const d = settingDefinition(e.name, key);
        if (d) expect(DEFINITION_IDS).toContain(d);
      }
    }
    expect(settingDefinition('supp5', 'sigma')).toBe('slow-task-reward-settings');
    expect(settingDefinition('fig1', 'sigma')).toBeNull();
  });
});
