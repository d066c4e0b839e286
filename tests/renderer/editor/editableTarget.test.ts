import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { DEFAULT_DYNAMICS, sampleTimes } from '../../../src-shared/model/params.js';
import {
  addChannel,
  createTarget,
  getChannel,
  gridTime,
  isConsistentTarget,
  removeChannel,
  targetsIdentical,
  withChannel,
} from '../../../src-renderer/editor/editableTarget.js';

describe('editable target', () => {
  it('the grid runs from 0 to T in nSamples points, bit-identical to the model grid', () => {
    expect(gridTime(0, 200, 500)).toBe(0);
    expectClose(gridTime(199, 200, 500), 500, { rtol: 1e-15 });
    expect(gridTime(100, 201, 500)).toBe(250);
    for (const [nSamples, duration] of [[200, 500], [37, 123.4], [1001, 2500]]) {
      const model = sampleTimes({ ...DEFAULT_DYNAMICS, nSamples, duration });
      expect(Array.from({ length: nSamples }, (_, k) => gridTime(k, nSamples, duration))).toEqual(Array.from(model));
    }
  });

  it('channels are channel-major: add, copy, replace, remove', () => {
    let target = createTarget(1, 10, 100);
    target = withChannel(target, 0, Array.from({ length: 10 }, (_, k) => k));
    const two = addChannel(target);
    expect(two.channels).toBe(2);
    expect(Array.from(getChannel(two, 1))).toEqual(new Array(10).fill(0));
    const three = addChannel(two, 0);
    expect(Array.from(getChannel(three, 2))).toEqual(Array.from({ length: 10 }, (_, k) => k));
    const replaced = withChannel(three, 1, new Array(10).fill(7));
    expect(Array.from(replaced.samples.subarray(10, 20))).toEqual(new Array(10).fill(7));
    expect(Array.from(three.samples.subarray(10, 20))).toEqual(new Array(10).fill(0)); // not mutated
    const removed = removeChannel(replaced, 0);
    expect(removed.channels).toBe(2);
    expect(Array.from(getChannel(removed, 0))).toEqual(new Array(10).fill(7));
    expect(Array.from(getChannel(removed, 1))).toEqual(Array.from({ length: 10 }, (_, k) => k));
    expect(isConsistentTarget(removed)).toBe(true);
    expect(() => removeChannel(target, 0)).toThrow(RangeError);
    expect(() => getChannel(target, 1)).toThrow(RangeError);
    expect(() => withChannel(target, 0, [1, 2])).toThrow(RangeError);
  });

  it('identity is bit-exact', () => {
    const a = createTarget(1, 10, 100);
    const b = createTarget(1, 10, 100);
    expect(targetsIdentical(a, b)).toBe(true);
    b.samples[3] = -0;
    expect(targetsIdentical(a, b)).toBe(false);
    expect(isConsistentTarget({ ...a, channels: 2 })).toBe(false);
  });
});
