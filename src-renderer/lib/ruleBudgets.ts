/**
 * How much training each form offers a learning rule when it is chosen: reward trials or Adam
 * iterations. One table, so the four forms that let a researcher pick a rule (the Train panel,
 * the primitives library builder, the primitives refinement, the Speed view) are set side by side
 * and each number says why it is what it is.
 *
 * The reward rule needs thousands of noisy trials where Adam needs a few hundred iterations, so a
 * form switches its budget with its rule. What the researcher typed for a rule is kept: switching
 * to the other rule and back gives their number again, not the default (ruleBudgetSwitch).
 */

export type LearningRule = 'reward' | 'gradient';

export const RULE_BUDGETS = {
  /**
   * Training a pattern on the workspace (src-renderer/components/TrainPanel.vue): the paper's
   * 5 000 trials per session (model spec §5, Fig. 1); Adam reaches E ≈ 0.007 on the published
   * network in 300 iterations.
   */
  train: { reward: 5000, gradient: 300 },
  /**
   * One pattern per target of a primitives library (src-renderer/components/primitives/LibraryBuilder.vue):
   * a library trains many targets, so fewer reward trials each than a single Fig. 1 run.
   */
  library: { reward: 2000, gradient: 300 },
  /**
   * Refining a combination of primitives (src-renderer/components/primitives/PrimitivesView.vue):
   * it starts close to the target, so a shorter run than a library's.
   */
  refine: { reward: 2000, gradient: 200 },
  /**
   * Per speed of a speed manifold (src-renderer/components/speed/SpeedBuildForm.vue). Adam learns
   * a speed in ~150 iterations; the reward rule's noisy trials barely move in 150 (published
   * network, 7 speeds to 5×, m = 2, 40 groups: 5T 2.91 → 2.73) and need thousands (3 000: 5T
   * 0.390, about 8 min on one core). Numbers in src-shared/speed/speed.ts learnSpeedManifold.
   */
  speed: { reward: 3000, gradient: 150 },
} as const satisfies Record<string, Record<LearningRule, number>>;

export type BudgetForm = keyof typeof RULE_BUDGETS;

/** The fields a rule switch changes. */
export interface RuleBudgetFields {
  rule: LearningRule;
  trials: number;
}

/**
 * A form's rule switch: `switchRule(fields, rule)` sets the rule and gives the trials field the
 * number last typed for that rule in this form, or the table's default for it. The number the
 * form leaves is remembered for its rule (in this switch, for as long as the form lives).
 */
export function ruleBudgetSwitch(form: BudgetForm): (fields: RuleBudgetFields, rule: LearningRule) => void {
  const typed: Partial<Record<LearningRule, number>> = {};
  return (fields, rule) => {
    if (rule === fields.rule) return;
    typed[fields.rule] = fields.trials;
    fields.rule = rule;
    fields.trials = typed[rule] ?? RULE_BUDGETS[form][rule];
  };
}
