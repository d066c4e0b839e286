/**
 * Each form that lets a researcher pick a learning rule offers that rule its own training budget
 * (src-renderer/lib/ruleBudgets.ts), and gives back what was typed for a rule when the researcher
 * switches away and back. The forms' defaults come from the same table:
 * src-renderer/stores/trainForm.ts, src-renderer/stores/primitives.ts,
 * src-renderer/components/speed/speedModel.ts.
 */
import { describe, expect, it } from 'vitest';
import { RULE_BUDGETS, ruleBudgetSwitch, type RuleBudgetFields } from '../../src-renderer/lib/ruleBudgets.js';
import { defaultTrainForm } from '../../src-renderer/stores/trainForm.js';
import { defaultLearningSettings } from '../../src-renderer/stores/primitives.js';
import { defaultSpeedForm } from '../../src-renderer/components/speed/speedModel.js';

describe('rule budgets', () => {
  it('offer thousands of reward trials and hundreds of Adam iterations in every form', () => {
    for (const [form, budget] of Object.entries(RULE_BUDGETS)) {
      expect(budget.reward, form).toBeGreaterThanOrEqual(2000);
      expect(budget.gradient, form).toBeLessThanOrEqual(300);
    }
  });

  it('switch to the table’s number for a rule not typed for yet', () => {
    const switchRule = ruleBudgetSwitch('speed');
    const fields: RuleBudgetFields = { rule: 'gradient', trials: 150 };
    switchRule(fields, 'reward');
    expect(fields).toEqual({ rule: 'reward', trials: RULE_BUDGETS.speed.reward });
    switchRule(fields, 'gradient');
    expect(fields).toEqual({ rule: 'gradient', trials: RULE_BUDGETS.speed.gradient });
  });

  it('give back what was typed for each rule, and leave the field alone when the rule does not change', () => {
    const switchRule = ruleBudgetSwitch('train');
    const fields: RuleBudgetFields = { rule: 'reward', trials: 8000 };
    switchRule(fields, 'reward');
    expect(fields.trials).toBe(8000);
    switchRule(fields, 'gradient');
    expect(fields.trials).toBe(RULE_BUDGETS.train.gradient);
    fields.trials = 450;
    switchRule(fields, 'reward');
    expect(fields.trials).toBe(8000);
    switchRule(fields, 'gradient');
    expect(fields.trials).toBe(450);
  });

  it('are remembered per form: one form’s typed number does not reach another', () => {
    const train = ruleBudgetSwitch('train');
    const library = ruleBudgetSwitch('library');
    const a: RuleBudgetFields = { rule: 'reward', trials: 7000 };
    const b: RuleBudgetFields = { rule: 'gradient', trials: RULE_BUDGETS.library.gradient };
    train(a, 'gradient');
    library(b, 'reward');
    expect(b.trials).toBe(RULE_BUDGETS.library.reward);
  });

  it('are the forms’ own defaults', () => {
    expect(defaultTrainForm()).toMatchObject({ rule: 'reward', trials: RULE_BUDGETS.train.reward });
    expect(defaultLearningSettings()).toMatchObject({ rule: 'gradient', trials: RULE_BUDGETS.library.gradient });
    expect(defaultSpeedForm()).toMatchObject({ rule: 'gradient', trials: RULE_BUDGETS.speed.gradient });
  });
});
