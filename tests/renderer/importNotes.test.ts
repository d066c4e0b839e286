/**
 * What the app says about an import (src-renderer/lib/targetFiles.ts `importedTargetNotice`,
 * src-renderer/lib/networkImport.ts `leftOutNpyFilesNote`; shown by
 * src-renderer/components/TargetEditorPanel.vue and src-renderer/components/network/NetworkInspector.vue):
 * - a target .npy of another length says it was resampled, from how many samples, and where its
 *   ends went (before: "1 channel(s) on 200 samples over 500 ms", as for a file on the grid);
 * - picking the whole published folder (W, x0, readout and its two targets) at once names both
 *   targets as left out and where a target goes (before: "initial_target.npy: name it W.npy, x0.npy
 *   or readout.npy", for the last one only).
 */
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { importedTargetNotice, targetFromNpy } from '../../src-renderer/lib/targetFiles.js';
import { leftOutNpyFilesNote } from '../../src-renderer/lib/networkImport.js';

const grid = { duration: 500, nSamples: 200 };

describe('import notices', () => {
  it('a target of another length says it was resampled from its own sample count', () => {
    const file = encodeNpy(Float64Array.from({ length: 137 }, (_, k) => Math.sin(k / 9)), [137]);
    const read = targetFromNpy('novel137.npy', file, grid);
    expect(read.fileSamples).toBe(137);
    expect(importedTargetNotice('novel137.npy', read, grid)).toBe(
      "Imported novel137.npy: 1 channel, resampled linearly from its 137 samples to the movement's 200 over 500 ms (its first sample at 0 ms, its last at 500 ms).",
    );
    const onGrid = targetFromNpy('novel.npy', encodeNpy(new Float64Array(2 * 200), [2, 200]), grid);
    expect(importedTargetNotice('novel.npy', onGrid, grid)).toBe('Imported novel.npy: 2 channels, 200 samples over 500 ms.');
  });

  it('the published folder picked at once: its targets are named as left out, with where they go', () => {
    const folder = ['W.npy', 'x0.npy', 'readout.npy', 'initial_target.npy', 'novel_target.npy'];
    expect(leftOutNpyFilesNote(folder)).toBe(
      'Left out initial_target.npy, novel_target.npy: not part of a network. Import a target movement in the movement editor (Draw target… → Import .npy).',
    );
    expect(leftOutNpyFilesNote(['W.npy', 'x0.npy', 'readout.npy'])).toBeNull();
    expect(leftOutNpyFilesNote(['W.npy', 'J.npy'])).toMatch(/^Left out J\.npy: a network's files are W\.npy, x0\.npy and readout\.npy/);
  });
});
