/**
 * The web-mode wire format (v2), shared by the server (src-main/web), the shared client
 * (wsTransport.ts) and the renderer's reconnecting client. No DOM or Node types here.
 *
 * One logical frame is one JSON text message, followed by `binary` binary messages when it has
 * large typed arrays:
 *   { "type": "invoke", "id": 7, "channel": "project:import", "binary": 1, "payload": { "bytes": { "$bin": 0, "type": "u8" } } }
 *   <binary message 0: the bytes>
 * - Float64Array / Uint8Array of at least BINARY_THRESHOLD_BYTES travel as binary messages (their
 *   little-endian bytes, never base64 or JSON-parsed), referenced by `{ "$bin": k, "type": "f64"|"u8" }`.
 *   The same array referenced twice is sent once (both places decode to the same array, as with
 *   Electron's structured clone). Binary parts are decoded zero-copy when they own their buffer.
 * - Smaller arrays stay inline as `{ "$f64": base64 }` / `{ "$u8": base64 }` (v1, still accepted
 *   from any peer), NaN/±Infinity as `{ "$num": "NaN" }` (JSON would turn them into null).
 * - Bounds on both sides: payload nesting (MAX_WIRE_DEPTH), JSON text length, number and total
 *   size of binary parts. Encoding a value beyond them throws a WireError (the caller answers with
 *   an error envelope); a received frame beyond them is refused with the frame's id when it can be
 *   read, so the sender gets an answer instead of waiting forever.
 *
 * Messages are ordered on a WebSocket and every sender emits a frame's messages back to back, so
 * the receiver pairs the next `binary` binary messages with the text frame before them.
 */

/** Nesting allowed in a payload or envelope value (the frame around it adds up to two levels). */
export const MAX_WIRE_DEPTH = 64;
/** Typed arrays with at least this many bytes travel as binary messages. */
export const BINARY_THRESHOLD_BYTES = 64 * 1024;

export interface WireLimits {
  /** Deepest nesting of a payload value. */
  maxDepth: number;
  /** Longest JSON text of one frame (characters). */
  maxTextChars: number;
  /** Most binary parts in one frame. */
  maxBinaryParts: number;
  /** Largest total of a frame's binary parts (bytes). */
  maxBinaryBytes: number;
}

export const DEFAULT_WIRE_LIMITS: Readonly<WireLimits> = Object.freeze({
  maxDepth: MAX_WIRE_DEPTH,
  maxTextChars: 64 * 1024 * 1024,
  maxBinaryParts: 4096,
  maxBinaryBytes: 1024 * 1024 * 1024,
});

export type WireErrorKind = 'too-deep' | 'too-large' | 'malformed';

/** A value that cannot be encoded, or a frame that cannot be decoded, within the wire's bounds. */
export class WireError extends Error {
  readonly kind: WireErrorKind;
  constructor(kind: WireErrorKind, message: string) {
    super(message);
    this.name = 'WireError';
    this.kind = kind;
  }
}

// ---------------------------------------------------------------------------------------------
// base64 (inline arrays)
// ---------------------------------------------------------------------------------------------

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
  if (text.length % 4 !== 0) throw new WireError('malformed', 'base64 length must be a multiple of 4');
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
  if (value < 0) throw new WireError('malformed', `invalid base64 character at ${i}`);
  return value;
}

/** The bytes of a typed array, as a view (no copy). Typed arrays use platform byte order; every
 * platform GainLab runs on is little-endian, and DataView would make that explicit at 10× the cost. */
function bytesOf(array: Float64Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A Float64Array over received bytes: a view when the bytes own their aligned buffer, else a copy
 * (a view into a shared chunk would keep it alive and alias it if the buffer were ever transferred). */
function float64FromBytes(bytes: Uint8Array, what: string): Float64Array {
  if (bytes.byteLength % 8 !== 0) {
    throw new WireError('malformed', `${what} has ${bytes.byteLength} bytes, not a whole number of float64 values`);
  }
  if (ownsBuffer(bytes)) return new Float64Array(bytes.buffer, 0, bytes.byteLength / 8);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}

function uint8FromBytes(bytes: Uint8Array): Uint8Array {
  // a plain Uint8Array (not a Node Buffer subclass), owning its memory
  if (ownsBuffer(bytes) && bytes.constructor === Uint8Array) return bytes;
  if (ownsBuffer(bytes)) return new Uint8Array(bytes.buffer, 0, bytes.byteLength);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** A value encoded for the wire: JSON text (with `$bin` placeholders numbered from 0) and its parts. */
export interface EncodedValue {
  readonly json: string;
  readonly binary: readonly Uint8Array[];
  /** Total bytes of `binary`. */
  readonly binaryBytes: number;
}

export interface EncodeOptions {
  /** Typed arrays with at least this many bytes become binary parts; Infinity keeps all inline (v1). */
  binaryThreshold?: number;
  limits?: Partial<WireLimits>;
}

const MB = 1024 * 1024;
function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

/**
 * Encode one payload value. Throws WireError ('too-deep', 'too-large', 'malformed') when it cannot
 * be sent within the limits; never a RangeError, whatever the value.
 */
export function encodeValue(value: unknown, options: EncodeOptions = {}): EncodedValue {
  const threshold = options.binaryThreshold ?? BINARY_THRESHOLD_BYTES;
  const limits = { ...DEFAULT_WIRE_LIMITS, ...options.limits };
  const binary: Uint8Array[] = [];
  const partOf = new Map<Float64Array | Uint8Array, number>();
  // depth of every object on the current path, by identity (the replacer sees the holder as `this`)
  const depthOf = new Map<object, number>();
  let binaryBytes = 0;
  // characters still allowed: an estimate kept as we go, so a huge value fails early instead of
  // building a string of hundreds of MB first (the exact length is checked at the end)
  let budget = limits.maxTextChars;
  const tooLarge = () =>
    new WireError('too-large', `more than ${megabytes(limits.maxTextChars)} of JSON; the limit is ${megabytes(limits.maxTextChars)}`);

  function replacer(this: Record<string, unknown>, key: string, current: unknown): unknown {
    budget -= key.length + 4;
    if (current !== null && typeof current === 'object') {
      const depth = (depthOf.get(this) ?? 0) + 1;
      if (depth > limits.maxDepth) {
        throw new WireError('too-deep', `nested deeper than ${limits.maxDepth} levels`);
      }
      depthOf.set(current, depth);
    }
    // the holder's own property, before toJSON: a Node Buffer would otherwise arrive as its toJSON()
    const original = this[key];
    if (original instanceof Float64Array || original instanceof Uint8Array) {
      const isFloat = original instanceof Float64Array;
      if (original.byteLength >= threshold) {
        let index = partOf.get(original);
        if (index === undefined) {
          if (binary.length >= limits.maxBinaryParts) {
            throw new WireError('too-large', `more than ${limits.maxBinaryParts} large arrays; the limit is ${limits.maxBinaryParts}`);
          }
          binaryBytes += original.byteLength;
          if (binaryBytes > limits.maxBinaryBytes) {
            throw new WireError('too-large', `more than ${megabytes(limits.maxBinaryBytes)} of arrays; the limit is ${megabytes(limits.maxBinaryBytes)}`);
          }
          index = binary.push(bytesOf(original)) - 1;
          partOf.set(original, index);
        }
        return { $bin: index, type: isFloat ? 'f64' : 'u8' };
      }
      if (Math.ceil(original.byteLength / 3) * 4 > budget) throw tooLarge();
      if (isFloat) {
        // copy so a subarray view encodes only itself
        return { $f64: bytesToBase64(new Uint8Array(bytesOf(original))) };
      }
      return { $u8: bytesToBase64(original) };
    }
    if (typeof current === 'number') {
      // JSON would silently turn NaN/±Infinity into null; keep them (errors can be Infinity)
      if (!Number.isFinite(current)) {
        if ((depthOf.get(this) ?? 0) + 1 > limits.maxDepth) {
          throw new WireError('too-deep', `nested deeper than ${limits.maxDepth} levels`);
        }
        return { $num: String(current) };
      }
      budget -= 8;
    } else if (typeof current === 'string') {
      budget -= current.length + 2;
    }
    if (budget < 0) throw tooLarge();
    return current;
  }

  let json: string | undefined;
  try {
    json = JSON.stringify(value, replacer);
  } catch (error) {
    if (error instanceof WireError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError && /string length/i.test(message)) throw tooLarge();
    if (error instanceof RangeError && /call stack/i.test(message)) {
      throw new WireError('too-deep', 'nested too deeply for the encoder');
    }
    throw new WireError('malformed', message);
  }
  json ??= 'null';
  if (json.length > limits.maxTextChars) {
    throw new WireError('too-large', `${megabytes(json.length)} of JSON; the limit is ${megabytes(limits.maxTextChars)}`);
  }
  return { json, binary, binaryBytes };
}

/** `{ ok: true, value }` around an already encoded value (lets a server reuse a cached encoding). */
export function okEnvelopeJson(value: EncodedValue): EncodedValue {
  return { json: `{"ok":true,"value":${value.json}}`, binary: value.binary, binaryBytes: value.binaryBytes };
}

/** One frame ready to send: the text message, then each binary part as a binary message. */
export interface WireMessage {
  readonly text: string;
  readonly binary: readonly Uint8Array[];
  /** Approximate size on the wire (text characters + binary bytes). */
  readonly bytes: number;
}

function message(head: string, bodyKey: string, body: EncodedValue): WireMessage {
  const count = body.binary.length;
  const text = `{${head}${count > 0 ? `,"binary":${count}` : ''},"${bodyKey}":${body.json}}`;
  return { text, binary: body.binary, bytes: text.length + body.binaryBytes };
}

export function invokeMessage(id: number, channel: string, payload: EncodedValue): WireMessage {
  return message(`"type":"invoke","id":${id},"channel":${JSON.stringify(channel)}`, 'payload', payload);
}

export function resultMessage(id: number, envelope: EncodedValue): WireMessage {
  return message(`"type":"result","id":${id}`, 'envelope', envelope);
}

export function eventMessage(channel: string, payload: EncodedValue): WireMessage {
  return message(`"type":"event","channel":${JSON.stringify(channel)}`, 'payload', payload);
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/** What a WebSocket hands over: a string for text messages, bytes for binary ones. */
export type WireData = string | ArrayBuffer | ArrayBufferView;

/** A decoded frame: the JSON object with typed arrays restored (shape checked by the caller). */
export type WireFrame = Record<string, unknown>;

export interface WireRefusal {
  /** The frame's id when it could be read (so the peer can be answered), else null. */
  id: number | null;
  message: string;
}

export interface WireReaderHandlers {
  frame(frame: WireFrame): void;
  refused(refusal: WireRefusal): void;
}

interface PendingFrame {
  frame: WireFrame;
  id: number | null;
  expected: number;
  parts: Uint8Array[];
  bytes: number;
}

/**
 * Reassembles frames from a WebSocket's messages, in order. Never throws: anything unreadable is
 * reported through `refused` (with the id when the frame's start could be read).
 */
export class WireReader {
  private readonly limits: WireLimits;
  private pending: PendingFrame | null = null;
  /** Binary messages still to swallow after a refused frame. */
  private discard = 0;

  constructor(
    private readonly handlers: WireReaderHandlers,
    limits: Partial<WireLimits> = {},
  ) {
    this.limits = { ...DEFAULT_WIRE_LIMITS, ...limits };
  }

  read(data: WireData): void {
    if (typeof data === 'string') {
      this.readText(data);
      return;
    }
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    if (this.discard > 0) {
      this.discard--;
      return;
    }
    const pending = this.pending;
    if (!pending) {
      this.handlers.refused({ id: null, message: `a binary message of ${bytes.byteLength} bytes arrived without a frame announcing it` });
      return;
    }
    pending.bytes += bytes.byteLength;
    if (pending.bytes > this.limits.maxBinaryBytes) {
      this.pending = null;
      this.discard = pending.expected - pending.parts.length - 1;
      this.handlers.refused({
        id: pending.id,
        message: `its binary parts exceed ${megabytes(this.limits.maxBinaryBytes)}`,
      });
      return;
    }
    pending.parts.push(bytes);
    if (pending.parts.length === pending.expected) {
      this.pending = null;
      this.finish(pending.frame, pending.id, pending.parts);
    }
  }

  /**
   * A text message too long to be worth decoding (`bytes` of UTF-8 over the limit): refused by
   * the id read from its start (`head`, its first few hundred bytes decoded), like any other.
   */
  readOversizeText(head: string, bytes: number): void {
    this.readText(head, bytes);
  }

  /** The longest text message (UTF-8 bytes) `read` takes; longer ones go to `readOversizeText`. */
  get maxTextBytes(): number {
    return this.limits.maxTextChars;
  }

  private readText(text: string, oversizeBytes = 0): void {
    if (this.pending) {
      const stale = this.pending;
      this.pending = null;
      this.handlers.refused({
        id: stale.id,
        message: `it announced ${stale.expected} binary parts but only ${stale.parts.length} arrived`,
      });
    }
    this.discard = 0;
    const { maxDepth, maxTextChars, maxBinaryParts } = this.limits;
    // a frame refused unparsed: answer its id and swallow the binary parts it announced
    const refuseUnparsed = (message: string) => {
      const head = peekHead(text);
      this.discard = Math.min(head.binary, maxBinaryParts);
      this.handlers.refused({ id: head.id, message });
    };
    if (oversizeBytes > 0 || text.length > maxTextChars) {
      refuseUnparsed(`its ${megabytes(Math.max(oversizeBytes, text.length))} of JSON exceed the limit of ${megabytes(maxTextChars)}`);
      return;
    }
    // the frame and an envelope add two levels around the payload; refuse before JSON.parse
    // builds millions of nested arrays
    if (nestingExceeds(text, maxDepth + 2)) {
      refuseUnparsed(`it is nested deeper than ${maxDepth} levels`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      refuseUnparsed('it is not valid JSON');
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.handlers.refused({ id: null, message: 'it is not a JSON object' });
      return;
    }
    const frame = parsed as WireFrame;
    const id = typeof frame.id === 'number' && Number.isSafeInteger(frame.id) ? frame.id : null;
    const count = frame.binary ?? 0;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > maxBinaryParts) {
      this.handlers.refused({ id, message: `its binary count must be a whole number from 0 to ${maxBinaryParts}` });
      return;
    }
    if (count === 0) {
      this.finish(frame, id, []);
      return;
    }
    this.pending = { frame, id, expected: count, parts: [], bytes: 0 };
  }

  private finish(frame: WireFrame, id: number | null, parts: Uint8Array[]): void {
    let decoded: WireFrame;
    try {
      decoded = reviveFrame(frame, parts);
    } catch (error) {
      this.handlers.refused({ id, message: error instanceof Error ? error.message : String(error) });
      return;
    }
    this.handlers.frame(decoded);
  }
}

/**
 * The id and binary count of a frame that cannot be parsed, read from its start when it follows
 * our encoders (`{"type":"…","id":N,"channel":"…","binary":K,…`); null / 0 otherwise.
 */
function peekHead(text: string): { id: number | null; binary: number } {
  const match = /^\s*\{\s*"type"\s*:\s*"[a-z]+"\s*,\s*"id"\s*:\s*(\d{1,15})\s*(?:,\s*"channel"\s*:\s*"[^"\\]{0,200}"\s*)?(?:,\s*"binary"\s*:\s*(\d{1,9})\s*)?[,}]/.exec(
    text.slice(0, 400),
  );
  return match ? { id: Number(match[1]), binary: match[2] ? Number(match[2]) : 0 } : { id: null, binary: 0 };
}

/** True when the JSON text nests arrays/objects deeper than `limit` (linear, strings skipped). */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip to the closing quote (one not preceded by an odd number of backslashes)
      let end = i + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (end < 0) return false; // unterminated: JSON.parse refuses it
        let backslashes = 0;
        for (let k = end - 1; text.charCodeAt(k) === 92; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        end++;
      }
      i = end;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return false;
}

function reviveFrame(frame: WireFrame, parts: Uint8Array[]): WireFrame {
  const decodedParts: Array<Float64Array | Uint8Array | undefined> = new Array(parts.length);
  const revived = revive(frame, parts, decodedParts) as WireFrame;
  for (let k = 0; k < parts.length; k++) {
    if (decodedParts[k] === undefined) throw new WireError('malformed', `binary part ${k} is not referenced by the frame`);
  }
  return revived;
}

/** Restores typed arrays and non-finite numbers in place (depth already bounded by the reader). */
function revive(value: unknown, parts: Uint8Array[], decoded: Array<Float64Array | Uint8Array | undefined>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') value[i] = revive(item, parts, decoded);
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    if (typeof record.$f64 === 'string') return float64FromBytes(base64ToBytes(record.$f64), 'an inline float64 array');
    if (typeof record.$u8 === 'string') return base64ToBytes(record.$u8);
    if (typeof record.$num === 'string') {
      if (record.$num === 'NaN') return NaN;
      if (record.$num === 'Infinity') return Infinity;
      if (record.$num === '-Infinity') return -Infinity;
    }
  } else if (keys.length === 2 && '$bin' in record && (record.type === 'f64' || record.type === 'u8')) {
    const index = record.$bin;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= parts.length) {
      throw new WireError('malformed', `it refers to binary part ${String(index)} of ${parts.length}`);
    }
    const known = decoded[index];
    const wanted = record.type === 'f64' ? Float64Array : Uint8Array;
    if (known !== undefined) {
      if (!(known instanceof wanted)) throw new WireError('malformed', `binary part ${index} is used with two types`);
      return known;
    }
    const array = record.type === 'f64' ? float64FromBytes(parts[index], `binary part ${index}`) : uint8FromBytes(parts[index]);
    decoded[index] = array;
    return array;
  }
  for (const key of keys) {
    // never assign through __proto__ (that would set the object's prototype)
    if (key === '__proto__') continue;
    const item = record[key];
    if (item !== null && typeof item === 'object') {
      const revived = revive(item, parts, decoded);
      if (revived !== item) record[key] = revived;
    }
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// Text-only codec (v1): every array inline. Used where a single string is wanted (tests, logs).
// ---------------------------------------------------------------------------------------------

export function encodeWire(value: unknown): string {
  return encodeValue(value, { binaryThreshold: Infinity }).json;
}

/** Decode a text-only value (throws WireError when it cannot). */
export function decodeWire(text: string): unknown {
  if (nestingExceeds(text, DEFAULT_WIRE_LIMITS.maxDepth)) {
    throw new WireError('too-deep', `nested deeper than ${DEFAULT_WIRE_LIMITS.maxDepth} levels`);
  }
  return revive(JSON.parse(text), [], []);
}
