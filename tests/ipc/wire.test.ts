/**
 * The wire format (src-shared/ipc/wire.ts) on its own: binary parts, inline arrays, non-finite
 * numbers, bounds on both sides, and a reader that never throws whatever it is fed.
 */
import { describe, expect, it } from 'vitest';
import {
  BINARY_THRESHOLD_BYTES,
  MAX_WIRE_DEPTH,
  WireError,
  WireReader,
  decodeWire,
  encodeValue,
  encodeWire,
  eventMessage,
  invokeMessage,
  okEnvelopeJson,
  resultMessage,
  type WireFrame,
  type WireMessage,
  type WireRefusal,
} from '../../src-shared/ipc/wire.js';
import { Rng } from '../../src-shared/model/rng.js';

/** Feed a message through a reader the way a WebSocket would (text, then each part as an ArrayBuffer). */
function transmit(message: WireMessage, reader = collectingReader()): ReturnType<typeof collectingReader> {
  reader.reader.read(message.text);
  for (const part of message.binary) reader.reader.read(new Uint8Array(part).buffer);
  return reader;
}

function collectingReader(limits = {}) {
  const frames: WireFrame[] = [];
  const refusals: WireRefusal[] = [];
  const reader = new WireReader({ frame: (f) => frames.push(f), refused: (r) => refusals.push(r) }, limits);
  return { reader, frames, refusals };
}

function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('encoding and decoding frames', () => {
  it('sends large arrays as binary parts and small ones inline, bit for bit', () => {
    const rng = new Rng(7);
    const big = new Float64Array(BINARY_THRESHOLD_BYTES / 8).map(() => rng.normal() * 1e300);
    big[0] = NaN;
    big[1] = -0;
    big[2] = 5e-324;
    const bytes = new Uint8Array(BINARY_THRESHOLD_BYTES + 3).map((_, i) => (i * 31) & 255);
    const small = new Float64Array([Math.PI, -Infinity, 1e-310]);
    const payload = { big, nested: [{ bytes }], small, e: Infinity, n: NaN, text: 'α ≥ 0.15' };
    const encoded = encodeValue(payload);
    expect(encoded.binary.map((p) => p.byteLength)).toEqual([big.byteLength, bytes.byteLength]);
    expect(encoded.json).toContain('{"$bin":0,"type":"f64"}');
    expect(encoded.json).toContain('{"$bin":1,"type":"u8"}');
    expect(encoded.json).toContain('"$f64"');
    const message = invokeMessage(4, 'simulate:run', encoded);
    expect(message.text.startsWith('{"type":"invoke","id":4,"channel":"simulate:run","binary":2,"payload":')).toBe(true);
    const { frames, refusals } = transmit(message);
    expect(refusals).toEqual([]);
    const got = frames[0].payload as typeof payload;
    expect(got.big).toBeInstanceOf(Float64Array);
    expect(bytesEqual(got.big, big)).toBe(true);
    expect(got.nested[0].bytes).toBeInstanceOf(Uint8Array);
    expect(bytesEqual(got.nested[0].bytes, bytes)).toBe(true);
    expect(bytesEqual(got.small, small)).toBe(true);
    expect(got.e).toBe(Infinity);
    expect(got.n).toBeNaN();
    expect(got.text).toBe('α ≥ 0.15');
  });

  it('encodes a subarray view as its own elements only, and a Node Buffer as bytes (not its toJSON)', () => {
    const whole = new Float64Array(BINARY_THRESHOLD_BYTES / 8 + 10).map((_, i) => i);
    const view = whole.subarray(5, 5 + BINARY_THRESHOLD_BYTES / 8);
    const buffer = Buffer.from([1, 2, 3]);
    const { frames } = transmit(eventMessage('jobs:progress', encodeValue({ view, buffer })));
    const got = frames[0].payload as { view: Float64Array; buffer: Uint8Array };
    expect(Array.from(got.view.subarray(0, 3))).toEqual([5, 6, 7]);
    expect(got.view.length).toBe(view.length);
    expect(Array.from(got.buffer)).toEqual([1, 2, 3]);
  });

  it('sends an array referenced twice once, and both places decode to the same array', () => {
    const W = new Float64Array(BINARY_THRESHOLD_BYTES / 8).fill(0.5);
    const encoded = encodeValue({ networks: [{ W }, { W }, { W }] });
    expect(encoded.binary).toHaveLength(1);
    const got = transmit(resultMessage(1, okEnvelopeJson(encoded))).frames[0] as { envelope: { value: { networks: Array<{ W: Float64Array }> } } };
    const [a, b, c] = got.envelope.value.networks;
    expect(a.W).toBe(b.W);
    expect(b.W).toBe(c.W);
  });

  it('decodes a part that owns its buffer without a copy, and copies one that does not', () => {
    const W = new Float64Array(BINARY_THRESHOLD_BYTES / 8).map((_, i) => i / 3);
    const message = invokeMessage(1, 'x', encodeValue({ W }));
    // owned: the decoded array is a view over the received buffer
    const owned = new Uint8Array(message.binary[0]);
    const first = collectingReader();
    first.reader.read(message.text);
    first.reader.read(owned.buffer);
    expect((first.frames[0].payload as { W: Float64Array }).W.buffer).toBe(owned.buffer);
    // misaligned inside a larger chunk (a Node Buffer slice): copied, and still exact
    const chunk = new Uint8Array(owned.byteLength + 3);
    chunk.set(owned, 3);
    const second = collectingReader();
    second.reader.read(message.text);
    second.reader.read(chunk.subarray(3));
    const decoded = (second.frames[0].payload as { W: Float64Array }).W;
    expect(decoded.buffer).not.toBe(chunk.buffer);
    expect(bytesEqual(decoded, W)).toBe(true);
  });

  it('keeps the v1 text-only codec working (every array inline), and reads v1 frames', () => {
    const W = new Float64Array(BINARY_THRESHOLD_BYTES / 8).fill(2);
    const text = encodeWire({ W, x: -Infinity });
    expect(text).not.toContain('$bin');
    const decoded = decodeWire(text) as { W: Float64Array; x: number };
    expect(bytesEqual(decoded.W, W)).toBe(true);
    expect(decoded.x).toBe(-Infinity);
    const { frames } = collectingReader();
    const reader = collectingReader();
    reader.reader.read(`{"type":"result","id":2,"envelope":{"ok":true,"value":${text}}}`);
    expect(frames).toEqual([]);
    expect(bytesEqual((reader.frames[0].envelope as { value: { W: Float64Array } }).value.W, W)).toBe(true);
  });

  it('never lets a __proto__ key set an object prototype', () => {
    const reader = collectingReader();
    reader.reader.read('{"type":"event","channel":"x","payload":{"__proto__":{"$num":"NaN"},"a":{"$num":"Infinity"}}}');
    const payload = reader.frames[0].payload as Record<string, unknown>;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(payload.a).toBe(Infinity);
  });
});

describe('bounds when encoding', () => {
  it(`encodes ${MAX_WIRE_DEPTH} levels and refuses ${MAX_WIRE_DEPTH + 1} (and 100 000) with a WireError, never a RangeError`, () => {
    expect(() => encodeValue(nested(MAX_WIRE_DEPTH))).not.toThrow();
    for (const depth of [MAX_WIRE_DEPTH + 1, 100_000]) {
      let error: unknown;
      try {
        encodeValue(nested(depth));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WireError);
      expect((error as WireError).kind).toBe('too-deep');
      expect((error as WireError).message).toBe(`nested deeper than ${MAX_WIRE_DEPTH} levels`);
    }
    // whatever the encoder lets through, the reader accepts: depth counted the same way, including
    // the objects that carry arrays and non-finite numbers
    for (const leaf of [1, NaN, new Float64Array(2), new Float64Array(BINARY_THRESHOLD_BYTES / 8)]) {
      const carried = typeof leaf === 'object' || Number.isNaN(leaf); // travels as an object: one more level
      const deepestAllowed = carried ? MAX_WIRE_DEPTH - 1 : MAX_WIRE_DEPTH;
      const encoded = encodeValue(nested(deepestAllowed, leaf));
      const { frames, refusals } = transmit(resultMessage(1, okEnvelopeJson(encoded)));
      expect(refusals).toEqual([]);
      expect(frames).toHaveLength(1);
      expect(() => encodeValue(nested(deepestAllowed + 1, leaf))).toThrow(`nested deeper than ${MAX_WIRE_DEPTH} levels`);
    }
  });

  it('refuses too much text early (before building it), too many and too large binary parts', () => {
    const huge = 'x'.repeat(70 * 1024 * 1024);
    const start = performance.now();
    expect(() => encodeValue({ huge })).toThrow(/more than 64 MB of JSON; the limit is 64 MB/);
    expect(performance.now() - start).toBeLessThan(200);
    expect(() => encodeValue(Array.from({ length: 100 }, () => 'y'.repeat(1024 * 1024)))).toThrow(WireError);
    const part = new Uint8Array(100);
    expect(() => encodeValue([part, new Uint8Array(100)], { binaryThreshold: 10, limits: { maxBinaryParts: 1 } })).toThrow(/more than 1 large arrays/);
    expect(() => encodeValue([part, new Uint8Array(100)], { binaryThreshold: 10, limits: { maxBinaryBytes: 150 } })).toThrow(/of arrays; the limit is/);
    // a cycle and a BigInt are 'malformed', not crashes
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeValue(cyclic)).toThrow(WireError);
    expect(() => encodeValue({ big: 1n })).toThrow(WireError);
  });
});

describe('bounds when decoding', () => {
  it('refuses a frame nested too deep before parsing it, with the id when it can be read', () => {
    const { frames, refusals } = collectingReader();
    const reader = new WireReader({ frame: (f) => frames.push(f), refused: (r) => refusals.push(r) });
    reader.read(`{"type":"invoke","id":12,"channel":"a","payload":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    // brackets inside strings do not count
    reader.read(`{"type":"invoke","id":13,"channel":"a","payload":"${'[{'.repeat(5000)}\\"[["}`);
    expect(refusals).toEqual([{ id: 12, message: `it is nested deeper than ${MAX_WIRE_DEPTH} levels` }]);
    expect(frames.map((f) => f.id)).toEqual([13]);
  });

  it('refuses text over the limit, and binary parts over the limit (swallowing the rest of that frame)', () => {
    const { reader, frames, refusals } = collectingReader({ maxTextChars: 160, maxBinaryBytes: 16 });
    // too long, announcing a part: refused by id, its part swallowed
    reader.read(`{"type":"invoke","id":1,"channel":"a","binary":1,"payload":"${'x'.repeat(200)}"}`);
    reader.read(new Uint8Array(10));
    reader.read('{"type":"invoke","id":2,"channel":"a","binary":3,"payload":[{"$bin":0,"type":"u8"},{"$bin":1,"type":"u8"},{"$bin":2,"type":"u8"}]}');
    reader.read(new Uint8Array(10));
    reader.read(new Uint8Array(10));
    reader.read(new Uint8Array(10));
    reader.read('{"type":"invoke","id":3,"channel":"a","payload":{}}');
    expect(refusals.map((r) => r.id)).toEqual([1, 2]);
    expect(refusals[0].message).toMatch(/of JSON exceed the limit/);
    expect(refusals[1].message).toMatch(/binary parts exceed/);
    expect(frames.map((f) => f.id)).toEqual([3]);
  });

  it('never throws, whatever it is fed (random text, bytes and frame fragments)', () => {
    const rng = new Rng(2024);
    const pieces = ['{', '}', '[', ']', '"', '\\', ':', ',', '"type"', '"invoke"', '"id"', '1', '"binary"', '"$bin"', '"$f64"', '"$u8"', '"$num"', '"AAA="', 'null', '-', 'e9'];
    const { reader, frames, refusals } = collectingReader();
    for (let i = 0; i < 3000; i++) {
      if (rng.uniform() < 0.2) {
        reader.read(new Uint8Array(rng.int(40)).map(() => rng.int(256)));
      } else {
        let text = rng.uniform() < 0.5 ? '{"type":"invoke","id":5,' : '';
        const count = rng.int(30);
        for (let k = 0; k < count; k++) text += pieces[rng.int(pieces.length)];
        reader.read(text);
      }
    }
    expect(frames.length + refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) expect(typeof refusal.message).toBe('string');
  });
});
