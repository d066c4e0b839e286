/**
 * The speed view starts from the paper's speed set-up (src-renderer/components/speed/speedModel.ts
 * defaultSpeedForm), the one the Fig. 6 experiment runs (src-shared/experiments/fig6.ts
 * FIG6_SETTINGS.full): 2 initial conditions (the form offered 3), 7 speeds up to 5× slower, 40
 * random groups.
 */
import { describe, expect, it } from 'vitest';
import { FIG6_SETTINGS } from '../../src-shared/experiments/fig6.js';
import { defaultSpeedForm, speedRequestFor } from '../../src-renderer/components/speed/speedModel.js';

describe('speed form defaults', () => {
  it('are the Fig. 6 experiment’s: m, speeds, slowest factor and groups', () => {
    const form = defaultSpeedForm();
    const paper = FIG6_SETTINGS.full;
    expect({ m: form.m, speeds: form.speeds, maxFactor: form.maxFactor, groups: form.groups }).toEqual({
      m: paper.conditions,
      speeds: paper.speeds,
      maxFactor: paper.maxFactor,
      groups: paper.groups,
    });
    // on the paper's 400-neuron network: 2 initial conditions, 40 random groups
    const request = speedRequestFor(form, 'net', paper.n);
    expect(request.initialConditions).toBe(2);
    expect(request.groups).toEqual({ kind: 'random', count: 40 });
  });
});
