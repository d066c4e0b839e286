/**
 * The runs browser's rows (runRows.ts) over a project's view: every collection gives its rows, and
 * experiment results are named by what they are (a paper experiment, a reproduction report or a
 * sweep — all three are stored as experiment results).
 */
import { describe, expect, it } from 'vitest';
import type { ExperimentResultRecord } from '../../src-shared/project/schema.js';
import { createProjectViewer } from '../../src-shared/project/view.js';
import { filterRows, KIND_LABELS, projectRowCount, projectRows } from '../../src-renderer/components/runs/runRows.js';
import { sampleProject } from '../project/fixtures.js';

function result(id: string, kind: ExperimentResultRecord['kind'], definition: string): ExperimentResultRecord {
  return {
    id,
    name: `${definition} result`,
    kind,
    definition,
    quick: true,
    seed: 1,
    networkId: null,
    networkName: 'its own',
    settings: {},
    summary: {},
    tables: [],
    arrays: [],
    figures: [],
    texts: [],
    status: 'done',
    elapsedMs: 10,
    startedAt: null,
    finishedAt: '2026-12-05T00:00:00.000Z',
    notes: '',
  };
}

describe('runs browser rows', () => {
  it('experiment results are listed as experiment, reproduction report or sweep, and filter by that kind', () => {
    const project = sampleProject();
    const withResults = {
      ...project,
      experimentResults: [result('e1', 'experiment', 'fig1'), result('r1', 'reproduction', 'reproduce'), result('s1', 'sweep', 'seeds')],
    };
    const view = createProjectViewer()(withResults);
    const rows = projectRows(view);
    // the "Runs (N)…" button counts what the browser lists
    expect(projectRowCount(view)).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(project.runs.length);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get('e1')!.kind).toBe('experiment');
    expect(byId.get('r1')!.kind).toBe('reproduction');
    expect(byId.get('s1')!.kind).toBe('sweep');
    expect(['e1', 'r1', 's1'].map((id) => KIND_LABELS[byId.get(id)!.kind])).toEqual(['experiment', 'reproduction report', 'sweep']);
    // every row of the project is there: its runs too
    expect(rows.filter((row) => row.collection === 'runs')).toHaveLength(project.runs.length);
    expect(filterRows(rows, { text: '', networkId: null, targetId: null, kind: 'sweep' }).map((row) => row.id)).toEqual(['s1']);
  });
});
