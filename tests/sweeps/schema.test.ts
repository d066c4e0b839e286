/**
 * The sweep file: what it accepts, the defaults it fills in, and one clear line for every refusal
 * (field named), including the bounds on factor values and on the size of the grid; and plan.json's
 * array tasks (sweep slurm --together).
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseSweepFile, SweepError, SWEEP_LIMITS } from '../../src-shared/sweeps/schema.js';
import { SETTING_RANGES } from '../../src-shared/settingsRanges.js';
import { arrayIndexOfTasks, PLAN_FORMAT, planSchema } from '../../src-shared/sweeps/folder.js';

const base = { source: { networkDir: 'net', target: 't.npy' }, trials: 100 };
const sweep = (extra: Record<string, unknown> = {}) => ({ schemaVersion: 1, name: 'test', base, ...extra });

function refusal(input: unknown): string {
  try {
    parseSweepFile(typeof input === 'string' ? input : JSON.stringify(input));
  } catch (error) {
    expect(error).toBeInstanceOf(SweepError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('sweep file schema', () => {
  it('accepts the three sources and fills in the defaults', () => {
    const file = parseSweepFile(JSON.stringify(sweep({ factors: { seed: [1, 2] } })));
    expect(file.design).toBe('grid');
    expect(file.base).toMatchObject({ rule: 'reward', trials: 100, seed: 1, sigma: 0.001, alpha: 0.3, learningRate: 0.01, groups: 'N' });
    expect(parseSweepFile(sweep({ base: { source: { project: 'p.gainlab', networkId: 'n1', targetIds: ['a', { generated: 4 }] } } })).base.source).toEqual({
      project: 'p.gainlab',
      networkId: 'n1',
      targetIds: ['a', { generated: 4 }],
    });
    expect(parseSweepFile(sweep({ base: { source: { soc: { n: 40, seed: 2 }, targets: [{ generated: 3 }] } } })).base.source).toEqual({
      soc: { n: 40, seed: 2 },
      targets: [{ generated: 3 }],
    });
    const list = parseSweepFile(sweep({ design: 'list', tasks: [{ seed: 1 }, { seed: 2, groups: { kind: 'specialised', count: 5 } }] }));
    expect(list.tasks).toHaveLength(2);
  });

  it('refuses bad files with one line naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{ not json', /^sweep file: not JSON/],
      [[1, 2], /expected a JSON object/],
      [{ ...sweep(), schemaVersion: 2 }, /schemaVersion 2 is newer than this GainLab understands/],
      [{ ...sweep(), schemaVersion: 0 }, /schemaVersion must be 1/],
      [sweep({ extra: 1 }), /sweep file: \(top\): Unrecognized key.*extra/],
      [sweep({ name: 'a/b' }), /sweep file: name: .*letters, digits/],
      [sweep({ base: { ...base, sigma: -1 } }), /sweep file: base\.sigma: /],
      [sweep({ base: { ...base, alpha: 1 } }), /sweep file: base\.alpha: /],
      [sweep({ base: { ...base, trials: 2.5 } }), /sweep file: base\.trials: /],
      [sweep({ base: { ...base, trials: SETTING_RANGES.trials.max + 1 } }), /sweep file: base\.trials: /],
      // the training form's range and sentence: 0 trials would train nothing
      [sweep({ base: { ...base, trials: 0 } }), /^sweep file: base\.trials: Trials must be a whole number from 1 to 1 000 000, got 0\.$/],
      [sweep({ factors: { trials: [100, 0] } }), /^sweep file: factors\.trials\[1\]: Trials must be a whole number from 1/],
      [sweep({ base: { ...base, groups: 0 } }), /sweep file: base\.groups/],
      [sweep({ factors: { sigma: [0.001, 'big'] } }), /sweep file: factors\.sigma\[1\]: /],
      [sweep({ factors: { seed: [-1] } }), /sweep file: factors\.seed\[0\]: /],
      [sweep({ factors: { soc: [{ n: 41, seed: 1 }] } }), /factors\.soc\[0\]\.n: n must be even/],
      [sweep({ factors: { colour: [1] } }), /sweep file: factors: Unrecognized key.*colour/],
      [sweep({ factors: { seed: [] } }), /sweep file: factors\.seed: /],
      [sweep({ factors: { seed: [1, 2, 1] } }), /factors\.seed lists 1 twice \(values 1 and 3\)/],
      [sweep({ factors: { seed: Array.from({ length: SWEEP_LIMITS.factorValues + 1 }, (_, k) => k) } }), /sweep file: factors\.seed: /],
      [sweep({ factors: { tasks: [] }, design: 'list' }), /Unrecognized key|"list" design/],
      [sweep({ design: 'list' }), /a "list" design needs "tasks"/],
      [sweep({ tasks: [{ seed: 1 }] }), /"tasks" lists tasks of a "list" design/],
      [sweep({ base: { source: { networkDir: 'net' } } }), /base\.source needs exactly one of "target" or "targets"/],
      [sweep({ base: { source: { networkDir: 'net', project: 'p', target: 't' } } }), /base\.source must have exactly one of "project"/],
      [sweep({ base: { source: { project: 'p.gainlab', networkId: 'n' } } }), /sweep file: base\.source\.targetIds: /],
      [sweep({ base: { source: { networkDir: 'net\u0001x', target: 't' } } }), /base\.source\.networkDir: a path must not contain control characters/],
      [sweep({ base: { source: { networkDir: 'net', targets: Array(17).fill('t.npy') } } }), /base\.source\.targets: /],
      // JSON reads 1e400 as Infinity: refused, field named
      ['{"schemaVersion":1,"name":"x","base":{"source":{"networkDir":"n","target":"t"},"sigma":1e400}}', /sweep file: base\.sigma: /],
    ];
    for (const [input, pattern] of cases) {
      const message = refusal(input);
      expect(message, JSON.stringify(input)).toMatch(pattern);
      expect(message.includes('\n'), message).toBe(false);
    }
  });

  it('an unknown key of 5 000 characters, or with a newline, is quoted on one short line (fuzz: tests/fuzz/sweepFiles seed 31337 cases 62, 33)', () => {
    const long = refusal(sweep({ factors: { ['k'.repeat(5000)]: [1] } }));
    expect(long).toMatch(/^sweep file: factors: Unrecognized key: "k+…$/);
    expect(long.length).toBeLessThan(300);
    expect(refusal(sweep({ base: { ...base, 'a\nb': 1 } }))).toBe('sweep file: base: Unrecognized key: "a b"');
  });

  it('refuses ids with control characters, which would break the refusal line that quotes them (fuzz: tests/fuzz/sweepFiles seed 31337 case 163)', () => {
    const source = { project: 'p.gainlab', networkId: 'n1', targetIds: ['line one\nline two'] };
    expect(refusal(sweep({ base: { source } }))).toBe('sweep file: base.source.targetIds[0]: an id must not contain control characters');
  });

  it('bounds the grid: a product over the task limit is refused before anything is expanded', () => {
    const values = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
    // 1000 × 101 = 101 000 > 100 000
    const message = refusal(sweep({ factors: { seed: values(1000), trials: values(101) } }));
    expect(message).toBe(`sweep file: the grid has 101000 tasks; at most ${SWEEP_LIMITS.tasks}`);
    expect(() => parseSweepFile(JSON.stringify(sweep({ factors: { seed: values(1000), trials: values(100) } })))).not.toThrow();
  });

  it('refuses files over the size limit without parsing them', () => {
    const big = ' '.repeat(SWEEP_LIMITS.fileBytes + 1);
    expect(refusal(big)).toMatch(/larger than/);
  });

  it('canonical JSON: key order and −0 do not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson({ a: undefined, b: 0.1 })).toBe('{"b":0.1}');
    expect(canonicalJson(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(() => canonicalJson(NaN)).toThrow(SweepError);
  });
});

describe('plan.json: array tasks of sweep slurm --together', () => {
  const task = (index: number) => ({ index, id: index.toString(16).padStart(16, '0'), factors: {}, inputsHash: 'a'.repeat(64) });
  const plan = (arrayTasks?: number[][]) => ({
    format: PLAN_FORMAT,
    formatVersion: 1,
    name: 'p',
    sweepFile: 'p.sweep.json',
    fingerprint: 'f',
    factorNames: ['seed'],
    createdAt: '2026-12-03T00:00:00Z',
    tasks: [0, 1, 2, 3].map(task),
    ...(arrayTasks ? { arrayTasks } : {}),
  });
  it('every task in exactly one array task; the array index of each task', () => {
    const parsed = planSchema.parse(plan([[0, 2], [1, 3]]));
    expect(arrayIndexOfTasks(parsed)).toEqual([0, 1, 0, 1]);
    // without groups, array index i runs task i
    expect(arrayIndexOfTasks(planSchema.parse(plan()))).toEqual([0, 1, 2, 3]);
    const message = (groups: number[][]) => planSchema.safeParse(plan(groups)).error?.issues[0]?.message;
    expect(message([[0, 2], [1, 2, 3]])).toBe('task 2 is in two array tasks');
    expect(message([[0, 1, 2, 3, 4]])).toBe('task 4 is not a task of the plan');
    expect(message([[0, 1], [3]])).toBe('1 task(s) in no array task');
  });
});
