/**
 * The analyses' polite announcements (src-renderer/components/analysis/analysesAnnouncement.ts, said
 * by src-renderer/components/analysis/AnalysesView.vue through the app's one live region,
 * src-renderer/components/common/PoliteAnnouncement.vue): one line when they start, one when they are
 * done with the number of plots, one when they fail with the first line of the reason. The keyboard
 * walkthrough (e2e/keyboard.spec.ts) checks that a real run says exactly the first two, once each.
 */
import { describe, expect, it } from 'vitest';
import { analysesAnnouncement, noisyAnnouncement } from '../../src-renderer/components/analysis/analysesAnnouncement.js';

describe('what the analyses tell a screen reader', () => {
  it('started, done with the plots counted, nothing while idle', () => {
    expect(analysesAnnouncement('running', 0, null)).toBe('Analyses started.');
    expect(analysesAnnouncement('done', 15, null)).toBe('Analyses done: 15 plots.');
    expect(analysesAnnouncement('done', 1, null)).toBe('Analyses done: 1 plot.');
    expect(analysesAnnouncement('idle', 0, null)).toBe('');
  });

  it('failed: the reason on one line, one full stop', () => {
    const missing = 'This run is not in the project (or its network or target is gone), so it cannot be analysed.';
    expect(analysesAnnouncement('failed', 0, missing)).toBe(`Analyses failed: ${missing}`);
    expect(analysesAnnouncement('failed', 0, 'the analysis worker failed\n    at worker.js:12')).toBe('Analyses failed: the analysis worker failed.');
    expect(analysesAnnouncement('failed', 0, null)).toBe('Analyses failed: no reason given.');
  });

  it('the error-against-SNR curve: started with its draws, done pointing at its plot, failed with the reason', () => {
    expect(noisyAnnouncement('running', 1000, null)).toBe('Error vs SNR started (1,000 draws per SNR).');
    expect(noisyAnnouncement('done', 1000, null)).toBe('Error vs SNR done: its plot is the last one.');
    expect(noisyAnnouncement('failed', 100, 'worker gone\n  at x')).toBe('Error vs SNR failed: worker gone.');
    expect(noisyAnnouncement('idle', 100, null)).toBe('');
  });
});
