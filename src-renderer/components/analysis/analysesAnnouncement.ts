/**
 * What a screen reader is told about a run's analyses (src-renderer/components/analysis/AnalysesView.vue),
 * once when they start and once when they end, as a training run is (src-renderer/components/TrainPanel.vue):
 * the researcher who started them and moved on hears when the plots are there, or why there are none.
 */
import { countOf } from '../../../src-shared/plots/format.js';

export type AnalysisStatus = 'idle' | 'running' | 'done' | 'failed';

/** The one line for `status` ('' for none: idle says nothing). */
export function analysesAnnouncement(status: AnalysisStatus, plotCount: number, error: string | null): string {
  if (status === 'running') return 'Analyses started.';
  if (status === 'done') return `Analyses done: ${countOf(plotCount, 'plot')}.`;
  if (status === 'failed') {
    const reason = (error ?? '').trim().split('\n')[0].replace(/\.$/, '') || 'no reason given';
    return `Analyses failed: ${reason}.`;
  }
  return '';
}
