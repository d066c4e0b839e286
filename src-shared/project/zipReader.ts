/**
 * A bounded reader of the zip archives .gainlab files are. It reads the central directory first
 * (hand-parsed: fflate has no way to list entries without inflating them) and refuses, before
 * inflating anything, what GainLab does not read or must not trust:
 *
 * - a directory that does not fit in the file, zip64 records, archives on several disks,
 *   encrypted entries, compression other than stored / deflate ('unsupported-zip', 'corrupt-zip');
 * - (without zip64, an archive counts at most 65 535 entries, which bounds the directory walk;
 *   collected sweep results allow more, counted modulo 65 536 as fflate writes them: open's maxEntries);
 * - entry names with a ".." part, an absolute path (leading "/" or a drive letter), a backslash, a
 *   NUL, or the same name twice ('unsafe-entry'), whether the entry is used or not.
 *
 * Entries are inflated one at a time, on request, with a cap: an entry whose directory declares
 * more than the cap is refused without inflating it; the data is inflated in small steps with
 * fflate's streaming Inflate into a buffer of the declared size, and inflation stops as soon as
 * the output exceeds it (a lying directory). The CRC-32 of every inflated entry is checked.
 * Memory for one entry is its declared size plus one step (≤ 16 KiB in, ≤ ~17 MiB out).
 */
import { Inflate, strFromU8 } from 'fflate';
import { ProjectFileError } from './errors.js';
import { PROJECT_LIMITS, bytesText } from './limits.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** The name's bytes as stored (compared with the local header's copy). */
  nameBytes: Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** Compressed bytes pushed per inflate step: deflate expands at most ~1032×, so ≤ ~17 MiB out per step. */
const INFLATE_STEP = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// CRC-32 (slicing by 8: the whole of a 2 GiB project is checked, so speed matters here)
// ---------------------------------------------------------------------------------------------

const CRC_TABLES = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n];
    for (let t = 1; t < 8; t++) {
      c = tables[c & 0xff] ^ (c >>> 8);
      tables[t * 256 + n] = c >>> 0;
    }
  }
  return tables;
})();

export function crc32(bytes: Uint8Array): number {
  const t = CRC_TABLES;
  let c = 0xffffffff;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)] ^
      t[6 * 256 + ((lo >>> 8) & 0xff)] ^
      t[5 * 256 + ((lo >>> 16) & 0xff)] ^
      t[4 * 256 + (lo >>> 24)] ^
      t[3 * 256 + bytes[i + 4]] ^
      t[2 * 256 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export function looksLikeZip(bytes: Uint8Array): boolean {
  // Local file header "PK\x03\x04", or an empty archive's end record "PK\x05\x06".
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function notAZip(bytes: Uint8Array): ProjectFileError {
  const what = bytes.length === 0 ? 'the file is empty' : 'the file is not a zip archive';
  return new ProjectFileError('not-zip', `this is not a GainLab project file: ${what} (a .gainlab file is a zip archive holding project.json and .npy arrays)`);
}

export function corruptZip(reason: string): ProjectFileError {
  return new ProjectFileError('corrupt-zip', `the project file is damaged: ${reason}. If you have a backup or a recovery copy, open that instead.`);
}

function unsupported(reason: string): ProjectFileError {
  return new ProjectFileError('unsupported-zip', `this zip archive uses ${reason}, which GainLab does not read (GainLab writes plain deflate zips)`);
}

/**
 * The reason in a refusal of ZipArchive, worded for a zip that is not a project (a run recipe,
 * collected sweep results): without the project file's name for itself and its advice on backups.
 */
export function plainZipReason(error: ProjectFileError): string {
  return error.detail
    .replace(/^the project file is damaged/, 'the zip is damaged')
    .replace(/^this is not a GainLab project file: /, '')
    .replace(/ \(a \.gainlab file is a zip archive holding project\.json and \.npy arrays\)$/, '')
    .replace(/\. If you have a backup.*$/, '');
}

/** A printable, bounded rendering of an entry name for messages. */
function shownName(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(printable.length > 120 ? `${printable.slice(0, 120)}…` : printable);
}

/** Why an entry name is unsafe, or null. */
export function unsafeEntryReason(name: string): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.includes('\u0000')) return 'a NUL character';
  if (name.includes('\\')) return 'a backslash';
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter';
  if (name.split('/').includes('..')) return 'a ".." part';
  return null;
}

// ---------------------------------------------------------------------------------------------
// The central directory
// ---------------------------------------------------------------------------------------------

export class ZipArchive {
  private constructor(
    private readonly bytes: Uint8Array,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    /** Where the central directory starts: every entry's data lies before it. */
    private readonly directoryOffset: number,
  ) {}

  /**
   * Parse the end record and the central directory; throws ProjectFileError. Inflates nothing.
   * `maxEntries` above 65 535 accepts an archive whose end record counts its entries modulo
   * 65 536, as writers without zip64 do (fflate's streaming Zip: `gainlab sweep collect` of a
   * sweep of more than ~16 000 tasks): the directory is then walked to its declared end, and the
   * count it finds must agree with the record's modulo 65 536.
   */
  static open(bytes: Uint8Array, options: { maxEntries?: number } = {}): ZipArchive {
    const maxEntries = options.maxEntries ?? 0xffff;
    if (!looksLikeZip(bytes)) throw notAZip(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eocd = findEndRecord(bytes, view);
    if (eocd < 0) throw corruptZip('the zip archive is incomplete (its directory at the end is missing; was the file cut short?)');
    if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE) throw unsupported('zip64 records');
    const disk = view.getUint16(eocd + 4, true);
    const directoryDisk = view.getUint16(eocd + 6, true);
    const entriesOnDisk = view.getUint16(eocd + 8, true);
    const entryCount = view.getUint16(eocd + 10, true);
    const directorySize = view.getUint32(eocd + 12, true);
    const directoryOffset = view.getUint32(eocd + 16, true);
    if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) throw unsupported('zip64 records');
    if (disk !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) throw unsupported('several disks (a split archive)');
    if (directoryOffset + directorySize > eocd) {
      throw corruptZip('the zip directory does not fit in the file (it points past its end; was the file cut short?)');
    }
    if (entryCount * 46 > directorySize) throw corruptZip(`the zip directory is too short for its ${entryCount} entries`);

    const entries = new Map<string, ZipEntry>();
    const end = directoryOffset + directorySize;
    let offset = directoryOffset;
    // past the recorded count only where the caller allows more than 65 535 entries, and only
    // while the directory has bytes left (a wrapped count)
    for (let e = 0; e < entryCount || (maxEntries > 0xffff && offset < end); e++) {
      if (e >= maxEntries) throw new ProjectFileError('too-large', `the archive holds more than ${maxEntries} entries`);
      if (offset + 46 > end || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) {
        throw corruptZip(`the zip directory is damaged at entry ${e + 1} of ${entryCount}`);
      }
      const flags = view.getUint16(offset + 8, true);
      const method = view.getUint16(offset + 10, true);
      const crc = view.getUint32(offset + 16, true);
      const compressedSize = view.getUint32(offset + 20, true);
      const uncompressedSize = view.getUint32(offset + 24, true);
      const nameLength = view.getUint16(offset + 28, true);
      const extraLength = view.getUint16(offset + 30, true);
      const commentLength = view.getUint16(offset + 32, true);
      const startDisk = view.getUint16(offset + 34, true);
      const localHeaderOffset = view.getUint32(offset + 42, true);
      const recordEnd = offset + 46 + nameLength + extraLength + commentLength;
      if (recordEnd > end) throw corruptZip(`the zip directory is damaged at entry ${e + 1} of ${entryCount}`);
      const nameBytes = bytes.subarray(offset + 46, offset + 46 + nameLength);
      const name = strFromU8(nameBytes);
      const reason = unsafeEntryReason(name);
      if (reason) {
        throw new ProjectFileError('unsafe-entry', `the archive holds an entry named ${shownName(name)}, with ${reason}; GainLab refuses such archives (they could write outside a folder when unpacked)`);
      }
      if (entries.has(name)) {
        throw new ProjectFileError('unsafe-entry', `the archive holds two entries named ${shownName(name)}; which one is meant is ambiguous`);
      }
      if (nameLength > PROJECT_LIMITS.entryNameChars) {
        throw new ProjectFileError('too-large', `the archive holds an entry whose name is ${nameLength} bytes long (at most ${PROJECT_LIMITS.entryNameChars})`);
      }
      if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) throw unsupported(`zip64 sizes (entry ${shownName(name)})`);
      if (startDisk !== 0) throw unsupported('several disks (a split archive)');
      if (flags & 0x41) throw unsupported(`encryption (entry ${shownName(name)})`);
      if (method !== 0 && method !== 8) throw unsupported(`compression method ${method} (entry ${shownName(name)})`);
      if (method === 0 && compressedSize !== uncompressedSize) throw corruptZip(`the stored entry ${name} declares ${compressedSize} bytes stored but ${uncompressedSize} bytes of content`);
      if (localHeaderOffset + 30 + compressedSize > directoryOffset) {
        throw corruptZip(`the entry ${name} points past the start of the zip directory`);
      }
      entries.set(name, { name, method, crc32: crc, compressedSize, uncompressedSize, localHeaderOffset, nameBytes });
      offset = recordEnd;
    }
    if (entries.size % 0x10000 !== entryCount) {
      throw corruptZip(`the zip directory holds ${entries.size} entries but its end record counts ${entryCount}`);
    }
    return new ZipArchive(bytes, entries, directoryOffset);
  }

  /** The archive's size in bytes. */
  get size(): number {
    return this.bytes.length;
  }

  get(name: string): ZipEntry | undefined {
    return this.entries.get(name);
  }

  /**
   * The content of `entry`, at most `cap` bytes; `what` names it in messages ("project.json",
   * "W of network "A" (arrays/networks/0/W.npy)") and `capText` says what the cap is ("the 64 MiB
   * a project.json may have"). A declared size above the cap is refused without inflating; the
   * inflated data must be exactly the declared size and pass its CRC-32.
   */
  read(entry: ZipEntry, cap: number, what: string, capText: string): Uint8Array {
    if (entry.uncompressedSize > cap) {
      throw new ProjectFileError('too-large', `${what}: the zip declares ${bytesText(entry.uncompressedSize)} uncompressed, more than ${capText}`);
    }
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const local = entry.localHeaderOffset;
    if (view.getUint32(local, true) !== LOCAL_SIGNATURE) throw corruptZip(`the entry ${entry.name} has no local header where the directory says`);
    const nameLength = view.getUint16(local + 26, true);
    const extraLength = view.getUint16(local + 28, true);
    const dataStart = local + 30 + nameLength + extraLength;
    if (dataStart + entry.compressedSize > this.directoryOffset) throw corruptZip(`the entry ${entry.name} runs into the zip directory`);
    const localName = this.bytes.subarray(local + 30, local + 30 + nameLength);
    if (localName.length !== entry.nameBytes.length || localName.some((b, i) => b !== entry.nameBytes[i])) {
      throw corruptZip(`the entry ${entry.name} has another name in its local header`);
    }
    const compressed = this.bytes.subarray(dataStart, dataStart + entry.compressedSize);
    const data = entry.method === 0 ? compressed : inflateExactly(compressed, entry);
    if (crc32(data) !== entry.crc32) throw corruptZip(`the entry ${entry.name} fails its checksum`);
    return data;
  }
}

/** The end-of-central-directory record: the last one whose comment runs to the end of the file. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - 22;
  const first = Math.max(0, last - 65535);
  for (let i = last; i >= first; i--) {
    if (bytes[i] === 0x50 && view.getUint32(i, true) === EOCD_SIGNATURE && i + 22 + view.getUint16(i + 20, true) === bytes.length) return i;
  }
  return -1;
}

/** Inflate into a buffer of the declared size, step by step, stopping as soon as the data would exceed it. */
function inflateExactly(compressed: Uint8Array, entry: ZipEntry): Uint8Array {
  const out = new Uint8Array(entry.uncompressedSize);
  let written = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > out.length) {
      throw corruptZip(`the entry ${entry.name} inflates to more than the ${bytesText(out.length)} its directory declares`);
    }
    out.set(chunk, written);
    written += chunk.length;
    if (final) finished = true;
  });
  try {
    for (let at = 0; at < compressed.length; at += INFLATE_STEP) {
      const end = Math.min(compressed.length, at + INFLATE_STEP);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof ProjectFileError) throw error;
    throw corruptZip(`the entry ${entry.name} cannot be inflated (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!finished || written !== out.length) {
    throw corruptZip(`the entry ${entry.name} inflates to ${bytesText(written)}, not the ${bytesText(out.length)} its directory declares`);
  }
  return out;
}
