/**
 * What a screen reader is told about a run's analyses (src-renderer/components/analysis/AnalysesView.vue),
 * once when they start and once when they end, as a training run is (src-renderer/components/TrainPanel.vue):
 * the researcher who started them and moved on hears when the plots are there, or why there are none.
 */
import { countOf } from '../../../src-shared/plots/format.js';

export type AnalysisStatus = 'idle' | 'running' | 'done' | 'failed';

/** The one line for `status` ('' for none: idle says nothing). */
export function analysesAnnouncement(status: AnalysisStatus, plotCount: number, error: string | null): string {
  return statusLine('Analyses', status, `${countOf(plotCount, 'plot')}`, error);
}

/**
 * The same for the error-against-SNR curve asked for from the header (1 000 draws take a while; its
 * plot joins the end of the grid, out of sight).
 */
export function noisyAnnouncement(status: AnalysisStatus, draws: number, error: string | null): string {
  if (status === 'running') return `Error vs SNR started (${draws.toLocaleString('en-US')} draws per SNR).`;
  return statusLine('Error vs SNR', status, 'its plot is the last one', error);
}

function statusLine(subject: string, status: AnalysisStatus, doneDetail: string, error: string | null): string {
  if (status === 'running') return `${subject} started.`;
  if (status === 'done') return `${subject} done: ${doneDetail}.`;
  if (status === 'failed') {
    const reason = (error ?? '').trim().split('\n')[0].replace(/\.$/, '') || 'no reason given';
    return `${subject} failed: ${reason}.`;
  }
  return '';
}
