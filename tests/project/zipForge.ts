/**
 * Hand-made zip archives for the abuse tests: every header field is what the test says, whether or
 * not it is true (declared sizes, CRCs, names), straight from the zip specification (APPNOTE 4.3.7
 * local header, 4.3.12 central directory header, 4.3.16 end record), independent of fflate's writer.
 */
import { deflateSync } from 'fflate';
import { crc32 } from '../../src-shared/project/zipReader.js';

export interface ForgedEntry {
  name: string;
  /** The bytes stored after the local header (raw deflate for method 8). */
  data: Uint8Array;
  method?: 0 | 8;
  /** Uncompressed size written in both headers. */
  declaredSize: number;
  crc?: number;
  /** Local header offset to write in the central directory instead of the real one. */
  offsetOverride?: number;
}

/** An entry stored or deflated honestly (true sizes and CRC). */
export function honestEntry(name: string, content: Uint8Array, method: 0 | 8 = 8): ForgedEntry {
  return { name, data: method === 8 ? deflateSync(content) : content, method, declaredSize: content.length, crc: crc32(content) };
}

/** A piece of deflate content: literal bytes (a stored block), or `count` copies of one byte. */
export type DeflateSegment = { bytes: Uint8Array } | { byte: number; count: number };

/**
 * Raw deflate data for a sequence of segments, written bit by bit from RFC 1951: literal bytes as
 * stored blocks, and each run of one byte as one dynamic-Huffman block whose codes are: length 258
 * = "0", the byte = "10", end of block = "11", distance 1 = "0". Each 258 copies cost 2 bits (the
 * deflate maximum, ~1:1032) and that part of the body is all zero bits: 2.5 GB of zeros is 2.4 MB,
 * built in milliseconds without ever holding the inflated data.
 */
export function deflateSegments(segments: DeflateSegment[]): Uint8Array {
  let bound = 16;
  for (const s of segments) bound += 'bytes' in s ? s.bytes.length + 16 : Math.ceil(s.count / 1032) + 64;
  const out = new Uint8Array(bound);
  let bit = 0;
  const put = (value: number, count: number) => {
    // values are packed least significant bit first
    for (let k = 0; k < count; k++, bit++) if ((value >> k) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  /** A Huffman code, most significant bit first. */
  const code = (bits: string) => {
    for (const c of bits) {
      if (c === '1') out[bit >> 3] |= 1 << (bit & 7);
      bit++;
    }
  };
  segments.forEach((segment, index) => {
    const final = index === segments.length - 1 ? 1 : 0;
    if ('bytes' in segment) {
      for (let at = 0; at === 0 || at < segment.bytes.length; at += 65535) {
        const piece = segment.bytes.subarray(at, at + 65535);
        put(final && at + 65535 >= segment.bytes.length ? 1 : 0, 1);
        put(0, 2); // stored
        bit = Math.ceil(bit / 8) * 8;
        put(piece.length, 16);
        put(piece.length ^ 0xffff, 16);
        out.set(piece, bit >> 3);
        bit += piece.length * 8;
      }
      return;
    }
    const { byte, count } = segment;
    if (count < 1 || byte < 0 || byte > 255) throw new RangeError('a run needs count ≥ 1 and a byte value');
    put(final, 1);
    put(2, 2); // dynamic Huffman
    put(286 - 257, 5); // HLIT: literal/length codes 0..285
    put(0, 5); // HDIST: one distance code
    put(18 - 4, 4); // HCLEN: code-length codes up to symbol 1 in the permuted order
    // code-length code lengths, permuted order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1:
    // 18 (run of zeros) → 1 bit "0", 1 → "10", 2 → "11"
    const clLength: Record<number, number> = { 18: 1, 2: 2, 1: 2 };
    for (const symbol of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]) put(clLength[symbol] ?? 0, 3);
    const zeros = (n: number) => {
      while (n > 0) {
        if (n < 11) throw new RangeError('internal: zero run < 11');
        const take = n > 138 && n - 138 < 11 ? n - 11 : Math.min(n, 138);
        code('0');
        put(take - 11, 7);
        n -= take;
      }
    };
    // literal/length code lengths: `byte` → 2, 256 (end) → 2, 285 (length 258) → 1, all else 0
    const gapBefore = byte;
    const gapAfter = 255 - byte;
    // zero lengths are written only as runs of 11..138 (code-length symbol 0 has no code here)
    if ((gapBefore > 0 && gapBefore < 11) || (gapAfter > 0 && gapAfter < 11)) throw new RangeError(`byte ${byte}: choose 0, 255 or one 11 or more from both ends`);
    zeros(gapBefore);
    code('11'); // length 2 for the byte
    zeros(gapAfter);
    code('11'); // length 2 for end of block
    zeros(28); // 257..284
    code('10'); // length 1 for 285
    code('10'); // the distance code: length 1
    // data: canonical codes 285 = "0", the byte = "10", end = "11"; distance 1 = "0"
    code('10'); // the first copy of the byte
    const runs = Math.floor((count - 1) / 258);
    bit += 2 * runs; // each run "0" + "0": zero bits, already there
    for (let k = 0; k < count - 1 - runs * 258; k++) code('10');
    code('11');
  });
  return out.subarray(0, Math.ceil(bit / 8));
}

/** Raw deflate data that inflates to `size` zero bytes (deflateSegments). */
export function deflatedZeros(size: number): Uint8Array {
  return deflateSegments([{ byte: 0, count: size }]);
}

/** A zip with exactly the given entries and headers (no data descriptors, no zip64). */
export function forgeZip(entries: ForgedEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const method = entry.method ?? 8;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, method, true);
    lv.setUint32(14, entry.crc ?? 0, true);
    lv.setUint32(18, entry.data.length, true);
    lv.setUint32(22, entry.declaredSize >>> 0, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const record = new Uint8Array(46 + name.length);
    const cv = new DataView(record.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, entry.crc ?? 0, true);
    cv.setUint32(20, entry.data.length, true);
    cv.setUint32(24, entry.declaredSize >>> 0, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, entry.offsetOverride ?? offset, true);
    record.set(name, 46);
    parts.push(local, entry.data);
    central.push(record);
    offset += local.length + entry.data.length;
  }
  const directorySize = central.reduce((sum, r) => sum + r.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, directorySize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + directorySize + 22);
  let at = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
