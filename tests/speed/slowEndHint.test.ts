/**
 * The speed view's slow-end hint (src-shared/speed/errorSummary.ts slowEndGap, slowEndHint; shown on
 * the selected manifold in src-renderer/components/speed/SpeedView.vue): when the slowest speed
 * ends above 0.1 and more than 5× the fast end's error (the fastest speed after 1T), one line names
 * the slow speeds that are that much worse, their errors and the fast end's, and what to try for
 * the rule. The slow ends are the published network's (gradient, 7 speeds to 5×, m = 2, 40 groups,
 * 150 iterations; src-shared/speed/speed.ts learnSpeedManifold): the fast end (1.67T) ended at
 * 0.0069; from g = 1 the slow end ended at 0.797 (4.33T) and 0.550 (5T), warm-started at 0.034
 * and 0.031; the other speeds' errors are set around them to place a case on each side of the rule.
 * The long case is a manifold of the e2e's small network (10 speeds to 2×, 2 iterations each).
 */
import { describe, expect, it } from 'vitest';
import { slowEndGap, slowEndHint, SLOW_END_MIN_ERROR, SLOW_END_RATIO } from '../../src-shared/speed/errorSummary.js';
import { speedFactors } from '../../src-shared/speed/speed.js';
import { formatError } from '../../src-renderer/plots/options.js';

const factors = speedFactors(7, 5, 200);
/** 1T is the network's own movement: error 0 up to round-off. */
const fromOnes = [3.9e-30, 0.0069, 0.02, 0.03, 0.2, 0.797, 0.55];
const warmStarted = [0, 0.0069, 0.031, 0.032, 0.033, 0.034, 0.031];

describe('slow-end hint of a speed manifold', () => {
  it('names the slow speeds much worse than the fast end, with their errors and what to try', () => {
    const gap = slowEndGap({ factors, errors: fromOnes });
    // 3.67T (0.2) is above 0.1 and more than 5 × 0.0069 too: the run of much-worse speeds at the slow end
    expect(gap?.fast).toEqual({ factor: factors[1], error: 0.0069 });
    expect(gap?.slow.map((s) => s.factor)).toEqual(factors.slice(4));
    expect(slowEndHint({ factors, errors: fromOnes }, 'gradient', formatError)).toBe(
      '3.67T, 4.33T and 5T ended at E = 0.200, 0.797 and 0.550, the fast end (1.67T) at 0.00690: try more iterations per speed.',
    );
    expect(slowEndHint({ factors, errors: fromOnes }, 'reward', formatError)).toBe(
      '3.67T, 4.33T and 5T ended at E = 0.200, 0.797 and 0.550, the fast end (1.67T) at 0.00690: try more trials per speed, or the gradient rule.',
    );
  });

  it('one slow speed is named alone', () => {
    const errors = [0, 0.03, 0.04, 0.05, 0.06, 0.07, 0.55];
    expect(slowEndHint({ factors, errors }, 'gradient', formatError)).toBe('5T ended at E = 0.550, the fast end (1.67T) at 0.0300: try more iterations per speed.');
  });

  it('more than three slow speeds are given as a range, to stay one line', () => {
    const tenSpeeds = speedFactors(10, 2, 200);
    const errors = [0, 0.0596, 0.168, 0.252, 0.369, 0.451, 0.563, 0.644, 0.695, 0.764];
    // 5 × 0.0596 = 0.298: the six speeds from 1.44T are much worse, 1.33T (0.252) is not
    expect(slowEndGap({ factors: tenSpeeds, errors })?.slow.map((s) => s.error)).toEqual(errors.slice(4));
    expect(slowEndHint({ factors: tenSpeeds, errors }, null, formatError)).toBe(
      '6 speeds from 1.44T to 2T ended at E = 0.369 to 0.764, the fast end (1.11T) at 0.0596: try more iterations (gradient) or trials (reward) per speed.',
    );
  });

  it('says nothing when the slow end converged, or is only a little worse, or small', () => {
    expect(slowEndHint({ factors, errors: warmStarted }, 'gradient')).toBeNull();
    // above the floor but less than 5× the fast end (the reward rule's 150 trials: every speed ≈ 2.7–3.1)
    expect(slowEndHint({ factors, errors: [0, 2.73, 2.99, 3.05, 2.96, 2.83, 2.73] }, 'reward')).toBeNull();
    expect(slowEndGap({ factors, errors: [0, 0.5, 0, 0, 0, 0, SLOW_END_RATIO * 0.5] })).toBeNull();
    // more than 5× the fast end but not above the floor
    expect(slowEndGap({ factors, errors: [0, 0.001, 0, 0, 0, 0, SLOW_END_MIN_ERROR] })).toBeNull();
    expect(slowEndGap({ factors, errors: [0, 0.001, 0, 0, 0, 0, SLOW_END_MIN_ERROR * 1.01] })?.slow).toHaveLength(1);
  });

  it('needs two speeds after 1T: the fast end and a slower one', () => {
    expect(slowEndGap({ factors: [1, 5], errors: [0, 0.9] })).toBeNull();
    // a cancelled manifold: only the speeds learned count
    expect(slowEndGap({ factors: factors.slice(0, 3), errors: [0, 0.01, 0.4] })?.slow.map((s) => s.error)).toEqual([0.4]);
  });
});
