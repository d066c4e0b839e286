/**
 * Where a target drafted in the movement editor came from (issue 4): a target replaced whole by a
 * generator (EMG-like, seed S) is recorded as { kind: 'generated', seed }, one read from a file as
 * { kind: 'imported', fileName }, an untouched copy of a project target keeps that target's source;
 * only what the researcher drew or edited by hand is 'drawn'.
 *
 * The tracker remembers the exact content each such origin produced (samples and grid) and names
 * a draft by it: any hand edit changes the content, so the draft becomes 'drawn'; undo back to the
 * generated content (or redo to it) finds the origin again.
 */
import type { TargetMovement } from '../../src-shared/project/schema.js';
import type { EditableTarget } from './editableTarget.js';

export type TargetSource = TargetMovement['source'];

interface Origin {
  target: EditableTarget;
  source: TargetSource;
}

function sameContent(a: EditableTarget, b: EditableTarget): boolean {
  if (a === b) return true;
  if (a.channels !== b.channels || a.nSamples !== b.nSamples || a.duration !== b.duration) return false;
  if (a.samples.length !== b.samples.length) return false;
  for (let i = 0; i < a.samples.length; i++) {
    // Object.is: the same bits for every sample that matters (NaN never occurs in a valid target)
    if (!Object.is(a.samples[i], b.samples[i])) return false;
  }
  return true;
}

export class DraftProvenance {
  private readonly origins: Origin[] = [];

  /** @param limit how many origins are remembered (the newest win). */
  constructor(private readonly limit = 20) {}

  /** `target` is exactly what `source` produced (a copy is kept, so later edits cannot alter it). */
  record(target: EditableTarget, source: TargetSource): void {
    const copy: EditableTarget = { ...target, samples: Float64Array.from(target.samples) };
    const existing = this.origins.findIndex((origin) => sameContent(origin.target, copy));
    if (existing >= 0) this.origins.splice(existing, 1);
    this.origins.push({ target: copy, source });
    if (this.origins.length > this.limit) this.origins.shift();
  }

  /** The source of a draft: the origin whose content it still is, else 'drawn'. */
  sourceOf(draft: EditableTarget): TargetSource {
    for (let k = this.origins.length - 1; k >= 0; k--) {
      if (sameContent(this.origins[k].target, draft)) return this.origins[k].source;
    }
    return { kind: 'drawn' };
  }
}

/** The id prefix and default name of a new target from its source. */
export function draftIdPrefix(source: TargetSource): string {
  return source.kind === 'imported' || source.kind === 'generated' ? source.kind : 'drawn';
}

/** "Generated movement (seed 7)", "Drawn movement 3", … for a name the user has not typed yet. */
export function defaultDraftName(source: TargetSource, drawnCount: number): string {
  if (source.kind === 'generated') return `Generated movement (seed ${source.seed})`;
  if (source.kind === 'imported' && source.fileName) return source.fileName.replace(/\.(npy|csv)$/i, '');
  return `Drawn movement ${drawnCount + 1}`;
}
