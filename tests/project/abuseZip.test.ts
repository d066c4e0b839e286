/**
 * The zip reader's refusals, one by one, on archives made by hand (zipForge.ts): what it does not
 * support, what is damaged and what is unsafe, each with its code and a one-line message naming
 * the entry; and what it accepts (unreferenced entries are listed, never inflated).
 */
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeProjectFile, encodeProject, projectToEntries, readProjectVersion, zipEntries } from '../../src-shared/project/archive.js';
import { ProjectFileError, type ProjectFileErrorCode } from '../../src-shared/project/errors.js';
import type { ArchiveLimits } from '../../src-shared/project/limits.js';
import type { Project } from '../../src-shared/project/schema.js';
import { crc32, ZipArchive } from '../../src-shared/project/zipReader.js';
import { expectSameBits, sampleProject } from './fixtures.js';
import { forgeZip, honestEntry, type ForgedEntry } from './zipForge.js';

function sampleEntries(): ForgedEntry[] {
  const { json, files } = projectToEntries(sampleProject());
  return [honestEntry('project.json', strToU8(JSON.stringify(json))), ...[...files].map(([name, bytes]) => honestEntry(name, bytes))];
}

function refusal(bytes: Uint8Array): ProjectFileError {
  try {
    decodeProjectFile(bytes, { fileName: 'z.gainlab' });
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    const e = error as ProjectFileError;
    expect(e.message.startsWith('"z.gainlab": ')).toBe(true);
    expect(e.message).not.toContain('\n');
    return e;
  }
  throw new Error('expected a refusal');
}

function expectRefused(bytes: Uint8Array, code: ProjectFileErrorCode, message: RegExp): void {
  const error = refusal(bytes);
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
}

/** The end-of-central-directory record of a forged zip (always the last 22 bytes: no comment). */
function endRecord(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 22, 22);
}

describe('zip entry names', () => {
  const unsafe: [string, RegExp][] = [
    ['../../evil.npy', /entry named "\.\.\/\.\.\/evil\.npy", with a "\.\." part/],
    ['arrays/../../evil.npy', /with a "\.\." part/],
    ['/etc/evil.npy', /entry named "\/etc\/evil\.npy", with an absolute path/],
    ['C:/evil.npy', /with a drive letter/],
    ['arrays\\evil.npy', /with a backslash/],
    ['arrays/a\u0000b.npy', /entry named "arrays\/a\\\\u0000b\.npy", with a NUL character/],
    ['', /entry named "", with an empty name/],
  ];
  for (const [name, message] of unsafe) {
    it(`refuses an unreferenced entry named ${JSON.stringify(name)}`, () => {
      expectRefused(forgeZip([...sampleEntries(), honestEntry(name, new Uint8Array(3))]), 'unsafe-entry', message);
    });
  }

  it('refuses duplicate names, also of project.json', () => {
    const entries = sampleEntries();
    expectRefused(forgeZip([...entries, entries[0]]), 'unsafe-entry', /two entries named "project\.json"/);
  });

  it('accepts and lists unreferenced entries with safe names; folder entries are neither', () => {
    const decoded = decodeProjectFile(forgeZip([...sampleEntries(), honestEntry('readme.txt', strToU8('hello')), honestEntry('arrays/', new Uint8Array(0), 0)]));
    expect(decoded.ignoredEntries).toEqual(['readme.txt']);
    expectSameBits(decoded.project, sampleProject());
  });
});

describe('what the zip reader does not read', () => {
  it('zip64: a locator record, or 0xFFFF entries in the end record', () => {
    const bytes = forgeZip(sampleEntries());
    const locator = new Uint8Array(bytes.length + 20);
    const cut = bytes.length - 22;
    locator.set(bytes.subarray(0, cut));
    new DataView(locator.buffer).setUint32(cut, 0x07064b50, true);
    locator.set(bytes.subarray(cut), cut + 20);
    expectRefused(locator, 'unsupported-zip', /this zip archive uses zip64 records, which GainLab does not read/);
    const many = bytes.slice();
    endRecord(many).setUint16(10, 0xffff, true);
    expectRefused(many, 'unsupported-zip', /zip64 records/);
  });

  it('zip64 sizes in an entry', () => {
    const entries = sampleEntries();
    entries[1] = { ...entries[1], declaredSize: 0xffffffff };
    expectRefused(forgeZip(entries), 'unsupported-zip', /zip64 sizes \(entry "arrays\/networks\/0\/W\.npy"\)/);
  });

  it('several disks', () => {
    const bytes = forgeZip(sampleEntries());
    endRecord(bytes).setUint16(4, 1, true);
    expectRefused(bytes, 'unsupported-zip', /several disks/);
  });

  it('encryption and compression methods other than stored and deflate', () => {
    const encrypted = forgeZip(sampleEntries());
    // central directory flags of the first entry (project.json): bit 0 = encrypted
    const view = new DataView(encrypted.buffer);
    const directory = view.getUint32(encrypted.length - 22 + 16, true);
    view.setUint16(directory + 8, 0x0801, true);
    expectRefused(encrypted, 'unsupported-zip', /encryption \(entry "project\.json"\)/);
    const bzip = sampleEntries();
    bzip[2] = { ...bzip[2], method: 12 as 8 };
    expectRefused(forgeZip(bzip), 'unsupported-zip', /compression method 12 \(entry "arrays\/networks\/0\/initial_conditions\.npy"\)/);
  });

  it('more entries than a project can have', () => {
    const bytes = forgeZip(sampleEntries());
    endRecord(bytes).setUint16(8, 65534, true);
    endRecord(bytes).setUint16(10, 65534, true);
    // 65 534 < the 200 000 limit: the directory is then too short for them
    expectRefused(bytes, 'corrupt-zip', /the zip directory is too short for its 65534 entries/);
  });
});

describe('damaged archives', () => {
  it('a central directory that does not fit in the file', () => {
    const bytes = forgeZip(sampleEntries());
    endRecord(bytes).setUint32(16, bytes.length, true);
    expectRefused(bytes, 'corrupt-zip', /the zip directory does not fit in the file/);
  });

  it('an entry pointing past the directory, and a local header naming another file', () => {
    const entries = sampleEntries();
    const past = forgeZip([...entries.slice(0, 1), { ...entries[1], offsetOverride: 1_000_000 }, ...entries.slice(2)]);
    expectRefused(past, 'corrupt-zip', /the entry arrays\/networks\/0\/W\.npy points past the start of the zip directory/);
    const renamed = forgeZip(entries);
    // rename the first local header's file (project.json → qroject.json); the directory still says project.json
    renamed[30] = 'q'.charCodeAt(0);
    expectRefused(renamed, 'corrupt-zip', /the entry project\.json has another name in its local header/);
  });

  it('a wrong CRC-32, a stream shorter or longer than declared, a stored entry whose two sizes differ', () => {
    const entries = sampleEntries();
    const w = entries.findIndex((e) => e.name === 'arrays/networks/0/W.npy');
    const badCrc = [...entries];
    badCrc[w] = { ...entries[w], crc: (entries[w].crc! ^ 1) >>> 0 };
    expectRefused(forgeZip(badCrc), 'corrupt-zip', /the entry arrays\/networks\/0\/W\.npy fails its checksum/);
    const longer = [...entries];
    longer[w] = { ...entries[w], declaredSize: entries[w].declaredSize + 8 };
    expectRefused(forgeZip(longer), 'corrupt-zip', /the entry arrays\/networks\/0\/W\.npy inflates to [\d.]+ KiB|inflates to \d+ bytes, not the/);
    const shorter = [...entries];
    shorter[w] = { ...entries[w], declaredSize: entries[w].declaredSize - 8 };
    expectRefused(forgeZip(shorter), 'corrupt-zip', /inflates to more than the .* its directory declares/);
    const stored = [...entries];
    stored[w] = { ...entries[w], method: 0 };
    expectRefused(forgeZip(stored), 'corrupt-zip', /the stored entry arrays\/networks\/0\/W\.npy declares/);
  });

  it('a stored entry with true sizes is read like a deflated one', () => {
    const { json, files } = projectToEntries(sampleProject());
    const stored = forgeZip([honestEntry('project.json', strToU8(JSON.stringify(json)), 0), ...[...files].map(([name, bytes]) => honestEntry(name, bytes, 0))]);
    expectSameBits(decodeProjectFile(stored).project, sampleProject());
  });
});

describe('bounds checked before inflating', () => {
  it('project.json declared larger than 64 MiB is refused without inflating, also when only its version is read', () => {
    const entries = sampleEntries();
    const big = forgeZip([{ ...entries[0], declaredSize: 65 * 1024 * 1024 }, ...entries.slice(1)]);
    expectRefused(big, 'too-large', /project\.json: the zip declares 65 MiB uncompressed, more than the 64 MiB a project\.json may have/);
    expect(() => readProjectVersion(big)).toThrow(/more than the 64 MiB a project\.json may have/);
  });

  it('an array entry declaring more than its shape needs', () => {
    const entries = sampleEntries();
    const w = entries.findIndex((e) => e.name === 'arrays/networks/0/W.npy');
    const padded = [...entries];
    padded[w] = { ...entries[w], declaredSize: 12 * 12 * 8 + 10_012 + 1 };
    expectRefused(forgeZip(padded), 'too-large', /W of network "Small SOC" \(arrays\/networks\/0\/W\.npy\): the zip declares 11 KiB uncompressed, more than the 11 KiB a \.npy of shape \(12, 12\) can need/);
  });

  it('the CRC-32 is the standard one (zlib / PNG check value)', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // slicing-by-8 and the tail loop agree on every length around a multiple of 8
    const bytes = Uint8Array.from({ length: 37 }, (_, i) => (i * 37 + 11) & 0xff);
    let bitwise = 0xffffffff;
    const reference: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      bitwise ^= bytes[i];
      for (let k = 0; k < 8; k++) bitwise = bitwise & 1 ? 0xedb88320 ^ (bitwise >>> 1) : bitwise >>> 1;
      reference.push((bitwise ^ 0xffffffff) >>> 0);
    }
    for (let n = 1; n <= bytes.length; n++) expect(crc32(bytes.subarray(0, n))).toBe(reference[n - 1]);
  });

  it('a saved project is written so that it reopens (a normal encode passes its own checks)', () => {
    const bytes = encodeProject(sampleProject());
    expect(decodeProjectFile(bytes).ignoredEntries).toEqual([]);
  });
});

/** The sample project with an N = 1 000 network whose W is all zero (8 MB that deflate ~1000-fold). */
function withZeroNetwork(): Project {
  const project = sampleProject();
  project.networks.push({ ...project.networks[0], id: 'zeros', name: 'Zeros', n: 1000, nE: 500, W: new Float64Array(1000 * 1000), initialConditions: new Float64Array(1000), nInitialConditions: 1, readout: null, soc: null });
  return project;
}

/** 8 bytes per element of every array reference in project.json, counted independently of the decoder. */
function referencedBytes(json: unknown): number {
  if (json === null || typeof json !== 'object') return 0;
  const ref = json as { path?: unknown; shape?: unknown };
  if (typeof ref.path === 'string' && Array.isArray(ref.shape)) return 8 * (ref.shape as number[]).reduce((a, b) => a * b, 1);
  return Object.values(json).reduce((sum: number, child) => sum + referencedBytes(child), 0);
}

describe('archive-wide bounds (lowered through the limits option, the rules are those of the 2 GiB defaults)', () => {
  it('every reference counts towards the total, before anything is inflated', () => {
    const project = sampleProject();
    const bytes = encodeProject(project);
    const total = referencedBytes(projectToEntries(project).json);
    expect(total).toBe(7304);
    expect(decodeProjectFile(bytes, { limits: { totalArrayBytes: total } }).project.name).toBe('Sample study');
    // the last array with data (the empty one after it adds nothing) crosses it
    expectRefused2(bytes, { totalArrayBytes: total - 1 }, /^"z\.gainlab": array "error curves" of experiment result "Fig\. 1 \(quick\)" \(arrays\/results\/0\/0\.npy\): with this array the project's arrays pass 7303 bytes \(counting every reference; shape \(3, 4\) alone is 96 bytes\)$/);
    // one file referenced by two networks counts twice
    const { json, files } = projectToEntries(project);
    const twice = zipEntries({ 'project.json': { ...json, networks: [json.networks[0], { ...json.networks[0], id: 'copy', name: 'Copy' }] }, ...Object.fromEntries(files) });
    const copy = referencedBytes(json.networks[0]); // W, initial conditions, readout, α history
    expect(copy).toBe(8 * (144 + 24 + 14 + 7));
    expect(decodeProjectFile(twice, { limits: { totalArrayBytes: total + copy } }).project.networks).toHaveLength(2);
    expectRefused2(twice, { totalArrayBytes: total + copy - 1 }, /with this array the project's arrays pass \d+ bytes \(counting every reference/);
    expectRefused2(bytes, { arrayRefs: 3 }, /SOC α history of network "Small SOC" \(arrays\/networks\/0\/soc_alpha_history\.npy\): project\.json refers to more than 3 arrays$/);
  });

  it('a file expanding more than the factor is a bomb; the encoder stores such arrays so its own files reopen', () => {
    const project = withZeroNetwork();
    const limits = { expansionFloor: 0, expansionFactor: 64 };
    // deflated as any zip tool would: the zero W expands far more than 64-fold
    const { json, files } = projectToEntries(project);
    const deflated = zipEntries({ 'project.json': json, ...Object.fromEntries(files) });
    expectRefused2(deflated, limits, /W of network "Zeros" \(arrays\/networks\/1\/W\.npy\): with this array the arrays of this [\d.]+ KiB file pass [\d.]+ (KiB|MiB) once read \(counting every reference\), more than 64 times its size: a decompression bomb, not a project$/);
    // GainLab's encoder under the same limits stores the arrays instead, and the file reopens
    const bytes = encodeProject(project, { limits });
    const zip = ZipArchive.open(bytes);
    expect(zip.get('arrays/networks/1/W.npy')!.method).toBe(0);
    expect(zip.get('project.json')!.method).toBe(8);
    expectSameBits(decodeProjectFile(bytes, { limits }).project, project);
    // with the default floor (256 MiB) nothing needs storing
    expect(ZipArchive.open(encodeProject(project)).get('arrays/networks/1/W.npy')!.method).toBe(8);
  });

  it('project.json: its size and the objects and values it holds, checked before JSON.parse, on save too', () => {
    const bytes = encodeProject(sampleProject());
    expectRefused2(bytes, { projectJsonBytes: 1000 }, /project\.json: the zip declares \d+ bytes uncompressed, more than the 1000 bytes a project\.json may have$/);
    expectRefused2(bytes, { projectJsonContainers: 20 }, /project\.json is beyond what a project holds: it holds more than 20 objects and arrays$/);
    expectRefused2(bytes, { projectJsonValues: 100 }, /project\.json is beyond what a project holds: it holds more than 100 values$/);
    expect(() => encodeProject(sampleProject(), { limits: { projectJsonValues: 100 } })).toThrow(/^cannot save: project\.json would be beyond what a project holds: it holds more than 100 values$/);
    expect(() => encodeProject(sampleProject(), { limits: { arrayRefs: 3 } })).toThrow(/^cannot save: .*refers to more than 3 arrays$/);
    // strings are skipped whole: brackets and commas inside them are not counted
    const { json, files } = projectToEntries(sampleProject());
    const quiet = zipEntries({ 'project.json': { ...json, notes: '[{,}]'.repeat(1000) }, ...Object.fromEntries(files) });
    const loud = zipEntries({ 'project.json': json, ...Object.fromEntries(files) });
    const limit = { projectJsonContainers: 200 };
    expect(decodeProjectFile(loud, { limits: limit }).project.notes).toBe(sampleProject().notes);
    expect(decodeProjectFile(quiet, { limits: limit }).project.notes).toBe('[{,}]'.repeat(1000));
  });
});

function expectRefused2(bytes: Uint8Array, limits: Partial<ArchiveLimits>, message: RegExp): void {
  let caught: unknown;
  try {
    decodeProjectFile(bytes, { fileName: 'z.gainlab', limits });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProjectFileError);
  expect((caught as ProjectFileError).code).toBe('too-large');
  expect((caught as ProjectFileError).message).toMatch(message);
}
