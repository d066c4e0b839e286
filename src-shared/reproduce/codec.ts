/**
 * JSON that keeps what the reproduction's stored parts hold: Float64Array / Int32Array (as
 * base64 of their little-endian bytes, exact), NaN and ±Infinity (JSON has no spelling for them).
 * Pure ES: runs in the CLI, a worker or the app alike.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += `${ALPHABET[v >> 18]}${ALPHABET[(v >> 12) & 63]}==`;
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += `${ALPHABET[v >> 18]}${ALPHABET[(v >> 12) & 63]}${ALPHABET[(v >> 6) & 63]}=`;
  }
  return out;
}

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (i + k < clean.length ? LOOKUP[clean.charCodeAt(i + k)] : 0));
    if (c.some((v) => v < 0)) throw new RangeError('not base64');
    const v = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

function littleEndianBytes(array: Float64Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(array.byteLength);
  const view = new DataView(bytes.buffer);
  if (array instanceof Float64Array) for (let i = 0; i < array.length; i++) view.setFloat64(i * 8, array[i], true);
  else for (let i = 0; i < array.length; i++) view.setInt32(i * 4, array[i], true);
  return bytes;
}

/** JSON text of a value with typed arrays and non-finite numbers kept. */
export function encodeValue(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function replacer(this: unknown, key: string, v: unknown) {
      // JSON.stringify has already turned typed arrays into objects by the time v arrives for
      // nested values; read the raw value from the holder instead.
      const raw = (this as Record<string, unknown>)[key];
      if (raw instanceof Float64Array) return { $f64: bytesToBase64(littleEndianBytes(raw)) };
      if (raw instanceof Int32Array) return { $i32: bytesToBase64(littleEndianBytes(raw)) };
      if (typeof raw === 'number' && !Number.isFinite(raw)) return { $num: String(raw) };
      return v;
    },
    indent,
  );
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$f64 === 'string') {
        const bytes = base64ToBytes(o.$f64);
        const view = new DataView(bytes.buffer);
        return Float64Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
      }
      if (typeof o.$i32 === 'string') {
        const bytes = base64ToBytes(o.$i32);
        const view = new DataView(bytes.buffer);
        return Int32Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(i * 4, true));
      }
      if (typeof o.$num === 'string') return Number(o.$num);
    }
    return v;
  });
}
