/**
 * The app's core budget (src-shared/model/kernels/threads.ts CoreBudget) through the real worker
 * threads: every job thread holds one core while it runs and borrows its helpers' cores only when
 * they are free, so two jobs on a 2-core budget never oversubscribe it, and every core is given
 * back when the jobs end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../src-shared/ipc/contract.js';
import { dispatch } from '../../src-main/services/handlers.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';

const context = sourceAppContext({ jobThreads: 2, cores: 2 });
afterAll(() => context.dispose());

describe('core budget of the job threads', () => {
  it('two jobs hold one core each and borrow none; all cores come back', async () => {
    const budget = context.coreBudget!;
    expect(budget.free()).toBe(2);
    const example = await dispatch(context.handlers, 'example:load', {});
    const project = (example as { value: ProjectSummary }).value.project;
    const network = project.networks[0];
    const target = project.targets[project.targets.length - 1];
    const start = async (seed: number) => {
      const started = await dispatch(context.handlers, 'jobs:start-training', {
        source: { kind: 'project', networkId: network.id, targetIds: [target.id], initialConditionIndices: [0] },
        rule: 'reward',
        trials: 1500,
        groups: { kind: 'neuron' },
        seed,
      });
      expect(started.ok).toBe(true);
      return (started as { value: { jobId: string } }).value.jobId;
    };
    const ids = [await start(1), await start(2)];
    const finished = Promise.all(ids.map((id) => context.jobs.whenFinished(id)));
    let done = false;
    void finished.then(() => (done = true));
    const seen = new Set<number>();
    while (!done) {
      seen.add(budget.free());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const detail of await finished) expect(detail.status).toBe('done');
    // both held their core at some point (0 free). A job starting while the other's helper holds
    // the second core takes its own core anyway (-1 for that one trial); a helper never borrows a
    // core that is not free, so the count never goes lower than that
    expect(seen.has(0)).toBe(true);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(-1);
    expect(budget.free()).toBe(2);
  });
});
