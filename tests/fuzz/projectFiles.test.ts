/**
 * Fuzzing project files (.gainlab): a valid project (fixtures.ts sampleProject, every part of the
 * format) mutated semantically in project.json, byte by byte as a whole zip, and in the bytes of
 * its .npy arrays, then opened through the projects service. Each case must open into a project
 * that saves again (the schema and every bound hold), or be refused with a ProjectFileError of one
 * line. Seeds are fixed: a failure prints the seed and case to repeat it with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, it } from 'vitest';
import { encodeProject, zipEntries } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_JSON_NAME } from '../../src-shared/project/schema.js';
import { ProjectService } from '../../src-main/services/projects.js';
import { sampleProject, v1Entries } from '../project/fixtures.js';
import { expectNoFailures, mutateBytes, mutateJson, refusesCleanly, runCases } from './fuzz.js';

const configDir = mkdtempSync(path.join(tmpdir(), 'gainlab-fuzz-projects-'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));
const service = new ProjectService({ configDir, appVersion: '0.0.0-fuzz' });

const valid = encodeProject(sampleProject(), { appVersion: '0.0.0-fuzz' });
const entries = unzipSync(valid);
const projectJson = JSON.parse(strFromU8(entries[PROJECT_JSON_NAME])) as unknown;
const arrayNames = Object.keys(entries).filter((name) => name.endsWith('.npy'));

/** Opened through the service: a project that saves again, or one clean ProjectFileError. */
function open(bytes: Uint8Array, outcome: (kind: string) => void): Promise<string | null> {
  return refusesCleanly(
    () => service.openBytes(bytes, 'fuzz.gainlab'),
    ProjectFileError,
    (opened) => {
      try {
        encodeProject(opened.project);
        return null;
      } catch (error) {
        return `opened, but does not save again: ${String(error).slice(0, 300)}`;
      }
    },
    outcome,
  );
}

/** Offsets of the zip's headers (local, central directory, end record): the bytes mutated most. */
function zipHeaderRanges(bytes: Uint8Array): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && [1, 3, 5].includes(bytes[i + 2])) ranges.push([i, i + 46]);
  }
  return ranges;
}

describe('fuzzing project files', () => {
  it('project.json mutated semantically (fields, types, extremes, nesting, ids, shapes)', async () => {
    const result = await runCases('project.json', 20261205, 300, (fz) => {
      const mutated = mutateJson(projectJson, fz);
      const bytes = zipEntries({ ...entries, [PROJECT_JSON_NAME]: mutated.text });
      return { description: mutated.description, run: (outcome) => open(bytes, outcome) };
    });
    expectNoFailures(result);
  });

  it('older formats: a format-1 project.json, and the current one labelled format 2 or 3, mutated (the migrations read them)', async () => {
    const v1 = v1Entries();
    const result = await runCases('older project.json', 1701, 200, (fz) => {
      if (fz.chance(0.5)) {
        const mutated = mutateJson(v1.json, fz);
        const bytes = zipEntries({ ...v1.files, [PROJECT_JSON_NAME]: mutated.text });
        return { description: `format 1: ${mutated.description}`, run: (outcome) => open(bytes, outcome) };
      }
      const version = fz.pick([2, 3]);
      const mutated = mutateJson({ ...(projectJson as object), schemaVersion: version }, fz);
      const bytes = zipEntries({ ...entries, [PROJECT_JSON_NAME]: mutated.text });
      return { description: `labelled format ${version}: ${mutated.description}`, run: (outcome) => open(bytes, outcome) };
    });
    expectNoFailures(result);
  });

  it('the zip mutated byte by byte (headers most often)', async () => {
    const hot = zipHeaderRanges(valid);
    const result = await runCases('zip bytes', 7331, 250, (fz) => {
      const mutated = mutateBytes(valid, fz, hot);
      return { description: mutated.description, run: (outcome) => open(mutated.bytes, outcome) };
    });
    expectNoFailures(result);
  });

  it('.npy arrays mutated byte by byte (their headers most often)', async () => {
    const result = await runCases('npy in zip', 4242, 200, (fz) => {
      const name = fz.pick(arrayNames);
      const npy = entries[name];
      const headerEnd = 10 + (npy[8] | (npy[9] << 8));
      const mutated = mutateBytes(npy, fz, [[0, headerEnd]]);
      const bytes = zipEntries({ ...entries, [name]: mutated.bytes });
      return { description: `${name}: ${mutated.description}`, run: (outcome) => open(bytes, outcome) };
    });
    expectNoFailures(result);
  });
});
