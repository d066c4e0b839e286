/** Two reward-rule runs are the same run: trials, errors, gains and recorded outputs, bit for bit. */
import { expect } from 'vitest';
import type { RewardRuleResult } from '../../src-shared/model/rewardRule.js';
import { sameBits } from './expectClose.js';

export function expectSameRun(actual: RewardRuleResult, expected: RewardRuleResult): void {
  expect(actual.trialsDone).toBe(expected.trialsDone);
  expect(actual.stopped).toBe(expected.stopped);
  expect(sameBits(actual.errors, expected.errors)).toBe(true);
  expect(sameBits(actual.finalGains, expected.finalGains)).toBe(true);
  expect(sameBits(actual.bestGains, expected.bestGains)).toBe(true);
  expect(actual.bestTrial).toBe(expected.bestTrial);
  expect(sameBits(actual.bestOutput, expected.bestOutput)).toBe(true);
  expect(actual.outputsAt.map((o) => o.trial)).toEqual(expected.outputsAt.map((o) => o.trial));
  actual.outputsAt.forEach((o, i) => expect(sameBits(o.output, expected.outputsAt[i].output)).toBe(true));
}
