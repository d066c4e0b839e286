/**
 * A project as a long reward run leaves it: one N = 40 network and one run of 10 sessions ×
 * 100 000 trials, whose error curves (10 × 100 001 float64, 8 MB) are nearly all of the file
 * (7.4 MB at deflate level 6, like the researcher's 7.3 MB project). The error of each trial is
 * noisy (every mantissa bit random), as a reward run's is, so deflate saves only ~8 % on it.
 * Shared by the round-trip tests (tests/project/largeSave.test.ts) and the benchmark
 * (bench/projectIo.ts project.save_large_ms); no vitest imports here.
 */
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { createEmptyProject, type Project } from '../../src-shared/project/schema.js';

export function longRewardRunProject(options: { n?: number; sessions?: number; trials?: number; seed?: number } = {}): Project {
  const { n = 40, sessions = 10, trials = 100_000, seed = 7 } = options;
  const rng = new Rng(seed);
  const stamp = new Date(Date.UTC(2026, 11, 1)).toISOString();
  const project = createEmptyProject('Long reward run', new Date(stamp), 'feedfacecafebeef');
  project.networks.push({
    id: 'net',
    name: `N = ${n}`,
    n,
    nE: n / 2,
    W: Float64Array.from({ length: n * n }, () => (rng.uniform() < 0.25 ? 0.3 * rng.normal() : 0)),
    initialConditions: Float64Array.from({ length: n }, () => rng.normal()),
    nInitialConditions: 1,
    readout: { channels: 1, weights: Float64Array.from({ length: 1 + n / 2 }, () => rng.normal()), fittedTo: null, fitError: null },
    params: { ...DEFAULT_DYNAMICS },
    seed,
    soc: null,
    origin: 'soc',
    createdAt: stamp,
  });
  project.targets.push({
    id: 'reach',
    name: 'Reach',
    channels: 1,
    nSamples: 200,
    duration: 500,
    values: Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 20)),
    source: { kind: 'drawn' },
    createdAt: stamp,
  });
  project.runs.push({
    id: 'run',
    name: 'Long reward run',
    notes: '',
    purpose: 'train',
    networkId: 'net',
    targetIds: ['reach'],
    initialConditionIndices: [0],
    rule: 'reward',
    settings: { trials, sessions },
    seed,
    initialError: 1.25,
    groupLabels: null,
    sessions: Array.from({ length: sessions }, (_, k) => {
      const errorCurve = new Float64Array(trials + 1);
      for (let t = 0; t <= trials; t++) errorCurve[t] = 0.05 + 1.2 * Math.exp(-t / 20_000) * (1 + 0.2 * rng.normal() ** 2);
      return {
        session: k,
        seed: seed + k,
        bestError: 0.05,
        bestTrial: trials,
        trialsRun: trials,
        errorCurve,
        bestGains: Float64Array.from({ length: n }, () => 1 + 0.1 * rng.normal()),
        output: null,
      };
    }),
    status: 'done',
    startedAt: stamp,
    finishedAt: stamp,
  });
  return project;
}
