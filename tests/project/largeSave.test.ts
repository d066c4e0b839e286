/**
 * Saving and reopening a large project (a 10-session × 100 000-trial reward run, 8 MB of error
 * curves): the same runs come back bit for bit, every entry of the written zip passes its CRC-32
 * as an independent reader computes it, and arrays deflate barely shrinks are stored, the others
 * deflated (archive.ts arrayEntryLevel) — judged against what deflate really makes of each entry.
 * How long this takes is the benchmark's business (bench/projectIo.ts project.save_large_ms).
 */
import path from 'node:path';
import { crc32 as nodeCrc32 } from 'node:zlib';
import { deflateSync, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ALWAYS_DEFLATED_BYTES, decodeProjectFile, encodeProject, MIN_DEFLATE_SAVING, projectToEntries, zipEntries } from '../../src-shared/project/archive.js';
import { ZipArchive } from '../../src-shared/project/zipReader.js';
import { ProjectService } from '../../src-main/services/projects.js';
import { tempDir } from '../helpers/tempDirs.js';
import { expectSameBits } from './fixtures.js';
import { longRewardRunProject } from './largeProject.js';

const project = longRewardRunProject();
const bytes = encodeProject(project, { appVersion: 'test' });

/** Every entry's directory record, read straight from the bytes (not through ZipArchive). */
function centralDirectory(zip: Uint8Array): { name: string; method: number; crc: number; localCrc: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22; // fflate writes no archive comment
  expect(view.getUint32(eocd, true)).toBe(0x06054b50);
  const records = [];
  let at = view.getUint32(eocd + 16, true);
  for (let k = 0; k < view.getUint16(eocd + 10, true); k++) {
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    records.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      localCrc: view.getUint32(local + 14, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return records;
}

describe('a large project', () => {
  it('reopens with the same runs, bit for bit', () => {
    const decoded = decodeProjectFile(bytes, { fileName: 'large.gainlab' });
    expect(decoded.fromVersion).toBe(4);
    expect(decoded.project.runs[0].sessions).toHaveLength(10);
    expect(decoded.project.runs[0].sessions[9].errorCurve).toHaveLength(100_001);
    expectSameBits(decoded.project, project);
  });

  it('saved to a file and opened again by the projects service gives the same project', async () => {
    const dir = tempDir('large-save');
    const service = new ProjectService({ configDir: path.join(dir, 'config'), now: () => Date.parse(project.modifiedAt) });
    const saved = await service.save(project, path.join(dir, 'long run.gainlab'));
    const opened = await service.open(saved.path);
    expect(opened.sizeBytes).toBe(saved.sizeBytes);
    expectSameBits(opened.project, saved.project);
    expectSameBits(opened.project.runs, project.runs);
  });

  it('every entry passes its CRC-32 as zlib computes it, in the directory and the local header', () => {
    const contents = unzipSync(bytes); // fflate's reader: checks no CRC, just unpacks
    const records = centralDirectory(bytes);
    expect(records.map((r) => r.name).sort()).toEqual(Object.keys(contents).sort());
    expect(records.length).toBe(1 + 3 + 1 + 2 * 10); // project.json; W, initial conditions, readout; the target; each session's error curve and best gains
    for (const record of records) {
      const truth = nodeCrc32(contents[record.name]);
      expect(record.crc, record.name).toBe(truth);
      expect(record.localCrc, record.name).toBe(truth);
    }
  });

  it('stores the arrays deflate would barely shrink and deflates the others (and project.json)', () => {
    const sparseN200 = longRewardRunProject({ n: 200, sessions: 1, trials: 20_000 });
    for (const [label, file] of [['N = 40', bytes], ['N = 200', encodeProject(sparseN200)]] as const) {
      const records = centralDirectory(file);
      const contents = unzipSync(file);
      const method = new Map(records.map((r) => [r.name, r.method]));
      expect(method.get('project.json'), label).toBe(8);
      // the error curves (800 KB, 160 KB) are stored; W is 75 % zeros, deflated (320 KB at N = 200)
      expect(method.get('arrays/runs/0/session_0/error_curve.npy'), label).toBe(0);
      expect(method.get('arrays/networks/0/W.npy'), label).toBe(8);
      for (const record of records) {
        if (record.name === 'project.json') continue;
        const content = contents[record.name];
        const saving = 1 - deflateSync(content, { level: 6 }).length / content.length;
        // a large entry is stored when deflate would not have shrunk it by MIN_DEFLATE_SAVING;
        // a small one is deflated whatever it holds
        const expected = content.length >= ALWAYS_DEFLATED_BYTES && saving < MIN_DEFLATE_SAVING ? 0 : 8;
        expect(record.method, `${label}: ${record.name} (${content.length} bytes): deflate saves ${(100 * saving).toFixed(1)} %`).toBe(expected);
      }
    }
    expect(unzipSync(encodeProject(sparseN200))['arrays/networks/0/W.npy'].length).toBeGreaterThan(ALWAYS_DEFLATED_BYTES);
  });

  it('a file of the earlier encoder (every array deflated) opens to the same project', () => {
    const { json, files } = projectToEntries(project);
    const deflated = zipEntries({ 'project.json': json, ...Object.fromEntries(files) });
    expect([...ZipArchive.open(deflated).entries.values()].every((entry) => entry.method === 8)).toBe(true);
    expectSameBits(decodeProjectFile(deflated).project, project);
  });
});
