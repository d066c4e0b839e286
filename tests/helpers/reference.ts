import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNpy } from '../../src-shared/formats/npy.js';
import type { Network } from '../../src-shared/model/network.js';

/**
 * The authors' published network lives in ../shared/reference/stroud2018 (beside the checkout,
 * never copied into the repo). CI always has it; on a clone without it, tests that need it are
 * skipped with `referenceSkipReason` as the reason.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = resolve(repoRoot, '../shared/reference/stroud2018');
export const hasReference = existsSync(resolve(referenceDir, 'W.npy'));
export const referenceSkipReason = `published reference data not found at ${referenceDir} (needs ../shared beside the checkout)`;

export function loadReferenceArray(name: string): { shape: number[]; data: Float64Array } {
  const parsed = parseNpy(new Uint8Array(readFileSync(resolve(referenceDir, `${name}.npy`))));
  return { shape: parsed.shape, data: parsed.data };
}

/** The published N = 200 network (W, x0, one-channel readout) as a Network. */
export function publishedNetwork(): Network {
  return {
    n: 200,
    nE: 100,
    W: loadReferenceArray('W').data,
    x0: loadReferenceArray('x0').data,
    readout: { channels: 1, weights: loadReferenceArray('readout').data },
  };
}
