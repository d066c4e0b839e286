/**
 * JSON encoding for the web-mode WebSocket: JSON has no typed arrays, so Float64Array and
 * Uint8Array travel as `{ "$f64": base64 }` / `{ "$u8": base64 }` of their little-endian bytes
 * (exact: no decimal rounding of doubles, ~11 characters per float64).
 * Used by both the server (src-main/web) and the browser client (wsTransport.ts).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    chunk +=
      ALPHABET[(triple >> 18) & 63] +
      ALPHABET[(triple >> 12) & 63] +
      (i + 1 < bytes.length ? ALPHABET[(triple >> 6) & 63] : '=') +
      (i + 2 < bytes.length ? ALPHABET[triple & 63] : '=');
    // join in chunks: repeated += on one huge string is fine in V8 but keep memory bounded
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64 length must be a multiple of 4');
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c0 = sextet(text, i);
    const c1 = sextet(text, i + 1);
    const c2 = text[i + 2] === '=' ? 0 : sextet(text, i + 2);
    const c3 = text[i + 3] === '=' ? 0 : sextet(text, i + 3);
    const triple = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (o < out.length) out[o++] = (triple >> 16) & 255;
    if (o < out.length) out[o++] = (triple >> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const value = code < 128 ? LOOKUP[code] : -1;
  if (value < 0) throw new Error(`invalid base64 character at ${i}`);
  return value;
}

function float64ToBytes(array: Float64Array): Uint8Array {
  // Typed arrays use platform byte order; every platform GainLab runs on is little-endian, and
  // DataView would make this explicit at 10× the cost. Copy so a subarray view encodes only itself.
  return new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength));
}

function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) throw new Error('float64 payload length must be a multiple of 8');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Float64Array) return { $f64: bytesToBase64(float64ToBytes(value)) };
  if (value instanceof Uint8Array) return { $u8: bytesToBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON would silently turn NaN/±Infinity into null; keep them (errors can be Infinity)
    return { $num: String(value) };
  }
  return value;
}

function reviver(this: unknown, _key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      if (typeof record.$f64 === 'string') return bytesToFloat64(base64ToBytes(record.$f64));
      if (typeof record.$u8 === 'string') return base64ToBytes(record.$u8);
      if (typeof record.$num === 'string') {
        if (record.$num === 'NaN') return NaN;
        if (record.$num === 'Infinity') return Infinity;
        if (record.$num === '-Infinity') return -Infinity;
      }
    }
  }
  return value;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer);
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, reviver);
}
