/**
 * Fault-and-abuse suite for project files (issue 10): every file reproduction of the issue, opened
 * or saved through the real projects service in a child process (abuseChild.ts), so that time and
 * peak memory are those of the decode alone. Each hostile input must give one clear line naming
 * the file and the field or entry, with a ProjectFileError code, no crash, within a few seconds and
 * under 500 MB of peak RSS (node + tsx + GainLab's modules included).
 *
 * The hostile zips are built by hand (zipForge.ts): their headers declare whatever the attack
 * needs, and the deflate data of gigabytes of zeros is written directly (2 bits per 258 bytes), so
 * no test ever holds the inflated data. The measurements are written to reports/abuse-files.json.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { decodeProjectFile, encodeProject, projectToEntries } from '../../src-shared/project/archive.js';
import type { ChildOutcome } from './abuseChild.js';
import { expectSameBits, sampleProject } from './fixtures.js';
import { deflatedZeros, deflateSegments, forgeZip, honestEntry, type ForgedEntry } from './zipForge.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const child = path.join(here, 'abuseChild.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'gainlab-abuse-'));
const configDir = path.join(dir, 'config');

const PEAK_RSS_LIMIT_MB = 500;
/** "A few seconds": the decode (or save) itself, measured in the child. */
const TIME_LIMIT_MS = 5000;

const measurements: Record<string, { code: string | null; ms: number; maxRssMB: number; baselineRssMB: number; fileKB: number | null; message: string }> = {};

afterAll(() => {
  mkdirSync(path.join(root, 'reports'), { recursive: true });
  writeFileSync(path.join(root, 'reports', 'abuse-files.json'), `${JSON.stringify(measurements, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
});

type ChildMode = 'open' | 'save' | 'ensure' | 'large';

function runChild(mode: ChildMode, file: string): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // JSON, so that a path with a NUL byte reaches the service as it is (argv cannot hold NUL)
      ['--import', 'tsx', child, mode, JSON.stringify(file), configDir],
      // generous: the machine may be shared; the bounds asserted are the child's own measurements
      { cwd: root, timeout: 300_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`child ${mode} ${JSON.stringify(file)} failed (${error.message}); stderr: ${stderr.slice(0, 2000)}`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as ChildOutcome);
        } catch {
          reject(new Error(`child printed no result: ${stdout.slice(0, 500)} ${stderr.slice(0, 2000)}`));
        }
      },
    );
  });
}

interface Expected {
  ok?: boolean;
  code?: string;
  message: RegExp;
  /** The name the message must start with (the file). */
  named?: string;
}

async function check(
  name: string,
  mode: ChildMode,
  file: string,
  expected: Expected,
  fileBytes: number | null = null,
  limits: { rssMB: number; ms: number } = { rssMB: PEAK_RSS_LIMIT_MB, ms: TIME_LIMIT_MS },
): Promise<ChildOutcome> {
  const outcome = await runChild(mode, file);
  measurements[name] = {
    code: outcome.code,
    ms: Math.round(outcome.ms),
    maxRssMB: Math.round(outcome.maxRssMB),
    baselineRssMB: Math.round(outcome.baselineRssMB),
    fileKB: fileBytes === null ? null : Math.round(fileBytes / 1024),
    message: outcome.message,
  };
  expect(outcome.ok, outcome.message).toBe(expected.ok ?? false);
  if (expected.code) expect(outcome.code, outcome.message).toBe(expected.code);
  expect(outcome.message).toMatch(expected.message);
  expect(outcome.message, 'one line').not.toContain('\n');
  expect(outcome.message.length).toBeLessThan(500);
  if (expected.named !== undefined && !outcome.ok) expect(outcome.message.startsWith(`"${expected.named}": `), outcome.message).toBe(true);
  expect(outcome.maxRssMB, `${name}: peak RSS`).toBeLessThan(limits.rssMB);
  expect(outcome.ms, `${name}: time`).toBeLessThan(limits.ms);
  return outcome;
}

/** Write a hostile file and open it in the child. */
async function openCase(name: string, fileName: string, bytes: Uint8Array, expected: Omit<Expected, 'named'>): Promise<ChildOutcome> {
  const file = path.join(dir, fileName);
  writeFileSync(file, bytes);
  return check(name, 'open', file, { ...expected, named: fileName }, bytes.length);
}

// ---------------------------------------------------------------------------------------------
// Building hostile files
// ---------------------------------------------------------------------------------------------

/** project.json (as an object) and the array files of the sample project. */
function sample(): { json: Record<string, any>; files: Map<string, Uint8Array> } {
  const { json, files } = projectToEntries(sampleProject());
  return { json: JSON.parse(JSON.stringify(json)), files };
}

/** The sample's arrays as honest deflated entries, plus `extra` forged ones, after project.json. */
function forgeProject(projectJson: string | Uint8Array, files: Map<string, Uint8Array>, extra: ForgedEntry[] = []): Uint8Array {
  const jsonBytes = typeof projectJson === 'string' ? strToU8(projectJson) : projectJson;
  return forgeZip([honestEntry('project.json', jsonBytes), ...[...files].map(([name, bytes]) => honestEntry(name, bytes)), ...extra]);
}

/** The .npy v1.0 header of float64 C-order data of `shape` (the bytes before the data), as numpy writes it. */
function npyHeader(shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(strToU8(dict), 10);
  out.fill(0x20, 10 + dict.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}

/** An entry holding a .npy of `shape` whose data are zeros, deflated; declares `declared` bytes (default: the truth) and inflates to `actual` zeros. */
function zeroNpyEntry(name: string, shape: number[], options: { declared?: number; actualZeros?: number } = {}): ForgedEntry {
  const header = npyHeader(shape);
  const zeros = options.actualZeros ?? shape.reduce((a, b) => a * b, 1) * 8;
  return {
    name,
    data: deflateSegments([{ bytes: header }, { byte: 0, count: zeros }]),
    declaredSize: options.declared ?? header.length + zeros,
    // Never inflated by a correct reader (each of these files is refused or ignored before), so
    // the CRC of gigabytes of zeros is not computed here.
    crc: 0,
  };
}

/** One network of n neurons with its W and initial conditions at the given paths (no readout, no SOC log). */
function bareNetwork(id: string, n: number, wPath: string, icPath: string): Record<string, unknown> {
  return {
    id,
    name: id,
    n,
    nE: n / 2,
    W: { path: wPath, shape: [n, n] },
    initialConditions: { path: icPath, shape: [1, n] },
    nInitialConditions: 1,
    readout: null,
    params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 200, gainFunction: 'tanh' },
    seed: 1,
    soc: null,
    origin: 'soc',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** A project.json of only networks (format 4). */
function networksOnly(networks: Record<string, unknown>[]): string {
  const { json } = sample();
  return JSON.stringify({ ...json, networks, targets: [], runs: [], primitiveLibraries: [], speedManifolds: [], experimentResults: [] });
}

const HUGE = '__HUGE__';

/**
 * The sample project whose project.json has one string of `count` letters x where `place` puts
 * HUGE: the deflate data is written directly (the string is never built), its sizes declared
 * truthfully (the CRC is not computed: a correct reader refuses the size before inflating).
 */
function withHugeString(place: (json: Record<string, any>) => void, count: number): Uint8Array {
  const { json, files } = sample();
  place(json);
  const [before, after] = JSON.stringify(json).split(HUGE);
  const entry: ForgedEntry = {
    name: 'project.json',
    data: deflateSegments([{ bytes: strToU8(before) }, { byte: 0x78, count }, { bytes: strToU8(after) }]),
    declaredSize: before.length + count + after.length,
    crc: 0,
  };
  return forgeZip([entry, ...[...files].map(([name, data]) => honestEntry(name, data))]);
}

beforeAll(() => {
  mkdirSync(configDir, { recursive: true });
});

// ---------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------

describe('hostile project files are refused with one clear line, in bounded time and memory', () => {
  it('a normal project opens (the baseline of time and memory)', async () => {
    const bytes = encodeProject(sampleProject());
    const outcome = await openCase('normal project (sample, n = 12)', 'normal.gainlab', bytes, { ok: true, message: /^opened "Sample study" \(1 networks\)$/ });
    expect(outcome.code).toBeNull();
  });

  it('nesting 5 000 deep in runs[0].settings', async () => {
    const { json, files } = sample();
    json.runs[0].settings = { deep: '__DEEP__' };
    const text = JSON.stringify(json).replace('"__DEEP__"', `${'['.repeat(5000)}0${']'.repeat(5000)}`);
    await openCase('nesting 5 000 deep in runs[0].settings', 'deep.gainlab', forgeProject(text, files), {
      code: 'invalid-schema',
      message: /project\.json is not valid: runs\[0\]\.settings\.deep(\[0\]){15}: nested deeper than 16 levels$/,
    });
  });

  it('2 000 networks pointing at one W.npy', async () => {
    const { json, files } = sample();
    json.networks = Array.from({ length: 2000 }, (_, i) => ({ ...json.networks[0], id: `net-${i}`, name: `copy ${i}` }));
    json.runs = [];
    json.primitiveLibraries = [];
    json.speedManifolds = [];
    json.experimentResults = [];
    await openCase('2 000 networks → one W.npy', 'many-networks.gainlab', forgeProject(JSON.stringify(json), files), {
      code: 'invalid-schema',
      message: /project\.json is not valid: networks: more than 64 networks/,
    });
  });

  it('64 networks of N = 2 000 pointing at one zero W.npy (within the count bound: every reference counts)', async () => {
    const networks = Array.from({ length: 64 }, (_, i) => bareNetwork(`net-${i}`, 2000, 'arrays/W.npy', 'arrays/x0.npy'));
    const x0 = encodeNpy(new Float64Array(2000).fill(0.5), [1, 2000]);
    const bytes = forgeZip([honestEntry('project.json', strToU8(networksOnly(networks))), zeroNpyEntry('arrays/W.npy', [2000, 2000]), honestEntry('arrays/x0.npy', x0)]);
    await openCase('64 networks N = 2 000 → one W.npy', 'shared-w.gainlab', bytes, {
      code: 'too-large',
      message: /W of network "net-\d+" \(arrays\/W\.npy\): with this array the arrays of this \d+ KiB file pass 256 MiB once read \(counting every reference\), more than 64 times its size: a decompression bomb, not a project$/,
    });
  });

  it('zip bomb: a valid project plus an unreferenced 2.5 GB zero entry (never inflated, listed as ignored)', async () => {
    const { json, files } = sample();
    const bomb: ForgedEntry = { name: 'extra/zeros.bin', data: deflatedZeros(2.5e9), declaredSize: 2.5e9, crc: 0 };
    const bytes = forgeProject(JSON.stringify(json), files, [bomb]);
    expect(bytes.length).toBeLessThan(2.6e6);
    await openCase('zip bomb 2.5 GB, unreferenced', 'bomb-unreferenced.gainlab', bytes, {
      ok: true,
      message: /^opened "Sample study" \(1 networks; ignored entries: extra\/zeros\.bin\)$/,
    });
  });

  for (const n of [4000, 8000]) {
    it(`zip bomb referenced as W of N = ${n}`, async () => {
      const network = bareNetwork('big', n, 'arrays/W.npy', 'arrays/x0.npy');
      const bytes = forgeZip([
        honestEntry('project.json', strToU8(networksOnly([network]))),
        zeroNpyEntry('arrays/W.npy', [n, n]),
        zeroNpyEntry('arrays/x0.npy', [1, n]),
      ]);
      await openCase(`zip bomb referenced as W, N = ${n}`, `bomb-w-${n}.gainlab`, bytes, {
        code: 'invalid-schema',
        message: /project\.json is not valid: networks\[0\]\.n: more than 2 000 neurons \(the most GainLab simulates\); networks\[0\]\.nE: more than 2 000 neurons$|networks\[0\]\.n: more than 2 000 neurons/,
      });
    });
  }

  it('zip bomb behind a lying directory: W of N = 2 000 declared 32 MB, inflating to 2.5 GB (inflation stops at the declared size)', async () => {
    const network = bareNetwork('liar', 2000, 'arrays/W.npy', 'arrays/x0.npy');
    const header = npyHeader([2000, 2000]);
    const x0 = encodeNpy(new Float64Array(2000), [1, 2000]);
    const bytes = forgeZip([
      honestEntry('project.json', strToU8(networksOnly([network]))),
      zeroNpyEntry('arrays/W.npy', [2000, 2000], { declared: header.length + 32e6, actualZeros: 2.5e9 }),
      honestEntry('arrays/x0.npy', x0),
    ]);
    await openCase('lying directory: W declared 32 MB, inflates to 2.5 GB', 'bomb-liar.gainlab', bytes, {
      code: 'corrupt-zip',
      message: /the project file is damaged: the entry arrays\/W\.npy inflates to more than the 30\.5 MiB its directory declares/,
    });
  });

  it('zip bomb declared in the directory: W of N = 200 declaring 2.5 GB', async () => {
    const network = bareNetwork('declared', 200, 'arrays/W.npy', 'arrays/x0.npy');
    const bytes = forgeZip([
      honestEntry('project.json', strToU8(networksOnly([network]))),
      zeroNpyEntry('arrays/W.npy', [200, 200], { declared: 2.5e9, actualZeros: 2.5e9 }),
      honestEntry('arrays/x0.npy', encodeNpy(new Float64Array(200), [1, 200])),
    ]);
    await openCase('W N = 200 declaring 2.5 GB', 'bomb-declared.gainlab', bytes, {
      code: 'too-large',
      message: /W of network "declared" \(arrays\/W\.npy\): the zip declares 2\.33 GiB uncompressed, more than the 322 KiB a \.npy of shape \(200, 200\) can need$/,
    });
  });

  it('a .npy v2 header of 60 MB of spaces', async () => {
    const { json, files } = sample();
    const dict = strToU8("{'descr': '<f8', 'fortran_order': False, 'shape': (12, 12), }");
    const headerLength = 60e6;
    const prefix = new Uint8Array(12 + dict.length);
    prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(prefix.buffer).setUint32(8, headerLength, true);
    prefix.set(dict, 12);
    const data = new Uint8Array(144 * 8);
    const tail = new Uint8Array(1 + data.length);
    tail[0] = 0x0a;
    tail.set(data, 1);
    const spaces = headerLength - dict.length - 1;
    files.delete('arrays/networks/0/W.npy');
    const w: ForgedEntry = {
      name: 'arrays/networks/0/W.npy',
      data: deflateSegments([{ bytes: prefix }, { byte: 0x20, count: spaces }, { bytes: tail }]),
      declaredSize: prefix.length + spaces + tail.length,
      crc: 0,
    };
    const bytes = forgeProject(JSON.stringify(json), files, [w]);
    await openCase('npy header of 60 MB of spaces', 'npy-spaces.gainlab', bytes, {
      code: 'too-large',
      message: /W of network "Small SOC" \(arrays\/networks\/0\/W\.npy\): the zip declares 57\.2 MiB uncompressed, more than the 11 KiB a \.npy of shape \(12, 12\) can need$/,
    });
  });

  it("a .npy header of 180 KB repeating 'shape':(", async () => {
    const { json, files } = sample();
    const header = `{'descr': '<f8', 'fortran_order': False, ${"'shape':(".repeat(20_000)}`;
    const npy = new Uint8Array(12 + header.length + 1 + 144 * 8);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(npy.buffer).setUint32(8, header.length + 1, true);
    npy.set(strToU8(header), 12);
    npy[12 + header.length] = 0x0a;
    files.set('arrays/networks/0/W.npy', npy);
    await openCase("npy header of 180 KB repeating 'shape':(", 'npy-shapes.gainlab', forgeProject(JSON.stringify(json), files), {
      code: 'too-large',
      message: /W of network "Small SOC" \(arrays\/networks\/0\/W\.npy\): the zip declares 177 KiB uncompressed, more than the 11 KiB a \.npy of shape \(12, 12\) can need$/,
    });
  });

  it('a 200 MB string in runs[0].settings', async () => {
    const bytes = withHugeString((json) => (json.runs[0].settings = { s: HUGE }), 200e6);
    expect(bytes.length).toBeLessThan(300_000);
    await openCase('200 MB string in runs[0].settings', 'settings-200mb.gainlab', bytes, {
      code: 'too-large',
      message: /project\.json: the zip declares 190\.7 MiB uncompressed, more than the 64 MiB a project\.json may have$/,
    });
  });

  it('a 2 MB string in runs[0].settings (below the project.json cap: the schema names the field)', async () => {
    const { json, files } = sample();
    json.runs[0].settings = { s: 'x'.repeat(2_000_000) };
    await openCase('2 MB string in runs[0].settings', 'settings-2mb.gainlab', forgeProject(JSON.stringify(json), files), {
      code: 'invalid-schema',
      message: /project\.json is not valid: runs\[0\]\.settings\.s: a string of 2 000 000 characters \(at most 1 000 000\)$/,
    });
  });

  it('600 MB of notes', async () => {
    await openCase('600 MB notes', 'notes-600mb.gainlab', withHugeString((json) => (json.notes = HUGE), 600e6), {
      code: 'too-large',
      message: /project\.json: the zip declares 572\.2 MiB uncompressed, more than the 64 MiB a project\.json may have$/,
    });
  });

  it('1.5 MB of notes (below the project.json cap: the schema names the field)', async () => {
    const { json, files } = sample();
    json.notes = 'n'.repeat(1_500_000);
    await openCase('1.5 MB notes', 'notes-1.5mb.gainlab', forgeProject(JSON.stringify(json), files), {
      code: 'invalid-schema',
      message: /project\.json is not valid: notes: longer than 1 000 000 characters$/,
    });
  });

  it('a project.json of 60 MB of empty objects (a JSON bomb: parsing it would take 2 GB and a minute)', async () => {
    const { files } = sample();
    const before = '{"kind": "gainlab-project", "bomb": [';
    const after = '{}]}';
    const count = 20_000_000;
    const unit = strToU8('{},'.repeat(1_000_000));
    const text = new Uint8Array(before.length + unit.length * (count / 1_000_000) + after.length);
    text.set(strToU8(before));
    for (let k = 0; k < count / 1_000_000; k++) text.set(unit, before.length + k * unit.length);
    text.set(strToU8(after), text.length - after.length);
    const bytes = forgeZip([honestEntry('project.json', text), ...[...files].map(([name, data]) => honestEntry(name, data))]);
    await openCase('JSON bomb: 60 MB of {}', 'json-bomb.gainlab', bytes, {
      code: 'too-large',
      message: /project\.json is beyond what a project holds: it holds more than 1 000 000 objects and arrays$/,
    });
  });

  it('a project.json of 64 MB of "0," (parsing it would take 1 GB: more values than a project holds)', async () => {
    const { files } = sample();
    const before = '{"kind": "gainlab-project", "values": [';
    const count = 32_000_000;
    const text = new Uint8Array(before.length + 2 * count + 2);
    text.set(strToU8(before));
    for (let i = before.length; i < before.length + 2 * count; i += 2) {
      text[i] = 0x30;
      text[i + 1] = 0x2c;
    }
    text.set(strToU8('0]}'), text.length - 3);
    const bytes = forgeZip([honestEntry('project.json', text), ...[...files].map(([name, data]) => honestEntry(name, data))]);
    await openCase('JSON bomb: 64 MB of 0,', 'json-values.gainlab', bytes, {
      code: 'too-large',
      message: /project\.json is beyond what a project holds: it holds more than 8 000 000 values$/,
    });
  });

  it('duplicate entry names', async () => {
    const { json, files } = sample();
    const w = files.get('arrays/networks/0/W.npy')!;
    const bytes = forgeProject(JSON.stringify(json), files, [honestEntry('arrays/networks/0/W.npy', w)]);
    await openCase('duplicate entry names', 'duplicates.gainlab', bytes, {
      code: 'unsafe-entry',
      message: /the archive holds two entries named "arrays\/networks\/0\/W\.npy"; which one is meant is ambiguous$/,
    });
  });

  it('an unreferenced entry named ../../evil.npy', async () => {
    const { json, files } = sample();
    const evil = encodeNpy(new Float64Array(4), [4]);
    const bytes = forgeProject(JSON.stringify(json), files, [honestEntry('../../evil.npy', evil)]);
    await openCase('entry ../../evil.npy', 'evil.gainlab', bytes, {
      code: 'unsafe-entry',
      message: /the archive holds an entry named "\.\.\/\.\.\/evil\.npy", with a "\.\." part; GainLab refuses such archives/,
    });
  });
});

describe('hostile paths are refused with one clear line, without blocking', () => {
  it('/dev/zero (a device: never opened, so never read forever)', async () => {
    await check('open /dev/zero', 'open', '/dev/zero', { code: 'bad-path', message: /^"zero": this is a device, not a file; GainLab opens only regular files$/ });
  });

  it('a FIFO (refused without opening it: opening would block a file-I/O thread)', async () => {
    const fifo = path.join(dir, 'pipe.gainlab');
    execFileSync('mkfifo', [fifo]);
    await check('open a FIFO', 'open', fifo, { code: 'bad-path', message: /^"pipe\.gainlab": this is a FIFO \(named pipe\), not a file; GainLab opens only regular files$/ });
  });

  it('a folder', async () => {
    const folder = path.join(dir, 'folder.gainlab');
    mkdirSync(folder);
    await check('open a folder', 'open', folder, { code: 'bad-path', message: /^"folder\.gainlab": this is a folder, not a file; GainLab opens only regular files$/ });
  });

  it('saving to /proc/x/y, and creating its folder (never a recursive mkdir through /proc)', async () => {
    await check('save /proc/x/y', 'save', '/proc/x/y', {
      code: 'bad-path',
      message: /^"y\.gainlab": GainLab does not save in \/proc\/x: it is a system folder \(\/proc, \/sys, \/dev\), not storage$/,
    });
    await check('ensureSaveFolder /proc/x/y', 'ensure', '/proc/x/y', {
      code: 'bad-path',
      message: /^"y": GainLab does not create folders in \/proc: it is a system folder/,
    });
  });

  it('a trailing slash (it would have saved a hidden file ".gainlab")', async () => {
    const target = path.join(dir, 'new-folder') + '/';
    await check('save with a trailing slash', 'save', target, {
      code: 'bad-path',
      message: /the path ends with "\/", so it names a folder; give the name of the project file to save$/,
    });
  });

  it('a NUL byte in the path', async () => {
    await check('save with a NUL byte', 'save', path.join(dir, 'a\u0000b.gainlab'), {
      code: 'bad-path',
      message: /the path contains a NUL character; file names cannot hold one$/,
    });
    await check('open with a NUL byte', 'open', path.join(dir, 'a\u0000b.gainlab'), {
      code: 'bad-path',
      message: /the path contains a NUL character; file names cannot hold one$/,
    });
  });
});

describe('legitimate extremes still save and open', () => {
  it('a project with random N = 2 000 and N = 1 000 networks (the size issue 10 measured)', async () => {
    await check('legit: N = 2 000 + N = 1 000 random networks, save + reopen', 'large', path.join(dir, 'large.gainlab'), {
      ok: true,
      message: /^saved and reopened bit for bit: file \d+\.\d MB, arrays 40\.0 MB$/,
    }, null, { rssMB: PEAK_RSS_LIMIT_MB, ms: 300_000 }); // saving deflates 40 MB: not a refusal, so no few-seconds bound
  });
});

describe('a normal project still round-trips bit for bit', () => {
  it('encode → decode gives the same project, no ignored entries', () => {
    const project = sampleProject();
    const decoded = decodeProjectFile(encodeProject(project));
    expectSameBits(decoded.project, project);
    expect(decoded.ignoredEntries).toEqual([]);
    // and through the archive writer of the hostile cases (forgeZip), so those differ from a good file only where they say
    const { json, files } = projectToEntries(project);
    expectSameBits(decodeProjectFile(forgeProject(JSON.stringify(json), files)).project, project);
    // the hand-made .npy header is the one encodeNpy (and numpy) writes
    expect(npyHeader([2000, 2000])).toEqual(encodeNpy(new Float64Array(4e6), [2000, 2000]).subarray(0, 128));
    const small = encodeNpy(new Float64Array(12), [3, 4]);
    expect(npyHeader([3, 4])).toEqual(small.subarray(0, small.length - 96));
  });
});
