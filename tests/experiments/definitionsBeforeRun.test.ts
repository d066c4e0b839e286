/**
 * What the Experiments view (src-renderer/components/experiments/ExperimentsView.vue) says a run
 * will rest on before it runs (src-shared/experiments/catalog.ts definitionsOf) is what the run
 * then reports (its setup's definitions): with a project target chosen for Fig. 1 the line before
 * the run still listed 'Generated target movements', which the run does not use.
 */
import { describe, expect, it } from 'vitest';
import { definitionsOf } from '../../src-shared/experiments/catalog.js';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { generateTarget } from '../../src-shared/model/targets.js';

const tiny = { quick: true, seed: 1, sessions: 1, trials: 5, noiseSamples: 2 } as const;
const reported = (result: { summary: Record<string, unknown> }) => (result.summary.setup as { definitions: Array<{ id: string }> }).definitions.map((d) => d.id);

describe('Fig. 1: the definitions listed before a run are the run’s', () => {
  it('with a given target (no generated target) and with the generated one', () => {
    const target = generateTarget(7, { duration: 500, nSamples: 200 }).values;
    const withTarget = runFig1({ ...tiny, target });
    expect([...definitionsOf('fig1', false, true)].sort()).toEqual(reported(withTarget).sort());
    expect(definitionsOf('fig1', false, true)).not.toContain('generated-targets');
    const generated = runFig1({ ...tiny });
    expect([...definitionsOf('fig1', false, false)].sort()).toEqual(reported(generated).sort());
    expect(definitionsOf('fig1', false, false)).toContain('generated-targets');
  });
});
