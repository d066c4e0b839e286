import { describe, expect, it } from 'vitest';
import { encodeNpy, NpyError, parseNpy } from '../../src-shared/formats/npy.js';
import { hasReference, loadReferenceArray, referenceDir, referenceSkipReason } from '../helpers/reference.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Build a .npy by hand, straight from the format description, independent of encodeNpy. */
function buildNpy(header: string, payload: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const encoded = new TextEncoder().encode(header);
  let padded = encoded.length + 1;
  while ((prefix + padded) % 64 !== 0) padded++;
  const out = new Uint8Array(prefix + padded + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  out.set(encoded, prefix);
  out.fill(0x20, prefix + encoded.length, prefix + padded - 1);
  out[prefix + padded - 1] = 0x0a;
  out.set(payload, prefix + padded);
  return out;
}

function payload(values: number[], itemSize: number, write: (v: DataView, o: number, x: number) => void): Uint8Array {
  const bytes = new Uint8Array(values.length * itemSize);
  const view = new DataView(bytes.buffer);
  values.forEach((x, i) => write(view, i * itemSize, x));
  return bytes;
}

const dict = (descr: string, fortran: boolean, shape: string) =>
  `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;

describe('parseNpy', () => {
  it('reads the published W.npy (Fortran order on disk) into C order: row i = inputs to neuron i', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const { shape, data } = loadReferenceArray('W');
    expect(shape).toEqual([200, 200]);
    expect(data.length).toBe(40000);
    // Published facts (README/model-spec §4): columns 0–99 excitatory with one value 1.054093,
    // columns 100–199 inhibitory (≤ 0), zero diagonal, E density 0.1013, I density 0.39495.
    let eCount = 0;
    let iCount = 0;
    for (let i = 0; i < 200; i++) {
      expect(data[i * 200 + i]).toBe(0);
      for (let j = 0; j < 200; j++) {
        const w = data[i * 200 + j];
        if (j < 100) {
          expect(w === 0 || Math.abs(w - 1.054093) < 5e-7).toBe(true);
          if (w !== 0) eCount++;
        } else {
          expect(w).toBeLessThanOrEqual(0);
          if (w !== 0) iCount++;
        }
      }
    }
    expect(eCount / 20000).toBeCloseTo(0.1013, 4);
    expect(iCount / 20000).toBeCloseTo(0.39495, 5);
    const x0 = loadReferenceArray('x0');
    expect(x0.shape).toEqual([200]);
    expect(Math.hypot(...x0.data)).toBeCloseTo(21.2132, 4);
  });

  it('round-trips the published W bit for bit through encodeNpy', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const original = parseNpy(new Uint8Array(readFileSync(resolve(referenceDir, 'W.npy'))));
    const again = parseNpy(encodeNpy(original.data, original.shape));
    expect(again.shape).toEqual([200, 200]);
    expect(Buffer.from(again.data.buffer).equals(Buffer.from(original.data.buffer))).toBe(true);
  });

  it('round-trips awkward values bit for bit, for 0-d, 1-d and 3-d shapes', () => {
    const special = Float64Array.from([0, -0, 1e-310, -Number.MAX_VALUE, Math.PI, Infinity, -Infinity, NaN, 1 / 3, 2 ** -1074, 7, 8]);
    for (const shape of [[12], [2, 3, 2], [12, 1], [1, 12]]) {
      const bytes = encodeNpy(special, shape);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLength) % 64).toBe(0);
      expect(bytes[9 + headerLength]).toBe(0x0a);
      const back = parseNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(new Uint8Array(back.data.buffer)).toEqual(new Uint8Array(special.buffer));
    }
    const scalar = parseNpy(encodeNpy(Float64Array.of(2.5), []));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
    const empty = parseNpy(encodeNpy(new Float64Array(0), [0, 3]));
    expect(empty.shape).toEqual([0, 3]);
    expect(() => encodeNpy(new Float64Array(5), [2, 3])).toThrow(NpyError);
  });

  it('writes the header numpy writes', () => {
    const bytes = encodeNpy(Float64Array.of(1, 2, 3), [3]);
    const header = new TextDecoder().decode(bytes.subarray(10, 128)).trimEnd();
    expect(header).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
    expect(bytes.length).toBe(128 + 24); // numpy 2.4 writes the same 152 bytes
  });

  it('reads big-endian and float32 data in both byte orders', () => {
    const values = [1.5, -2.25, 1e300, 0.1];
    const be = parseNpy(buildNpy(dict('>f8', false, '(4,)'), payload(values, 8, (v, o, x) => v.setFloat64(o, x, false))));
    expect(Array.from(be.data)).toEqual(values);
    const f32 = [1.5, -2.25, 3.0e10, 0.1];
    const expected = f32.map(Math.fround);
    for (const little of [true, false]) {
      const descr = little ? '<f4' : '>f4';
      const parsed = parseNpy(buildNpy(dict(descr, false, '(2, 2)'), payload(f32, 4, (v, o, x) => v.setFloat32(o, x, little))));
      expect(parsed.shape).toEqual([2, 2]);
      expect(Array.from(parsed.data)).toEqual(expected);
      expect(parsed.dtype).toBe(descr);
    }
  });

  it('reads integer dtypes', () => {
    const ints = [0, -1, 2147483647, -2147483648];
    const i4 = parseNpy(buildNpy(dict('<i4', false, '(4,)'), payload(ints, 4, (v, o, x) => v.setInt32(o, x, true))));
    expect(Array.from(i4.data)).toEqual(ints);
    const big = [2 ** 40 + 3, -(2 ** 50), 5];
    const i8 = parseNpy(buildNpy(dict('>i8', false, '(3,)'), payload(big, 8, (v, o, x) => v.setBigInt64(o, BigInt(x), false))));
    expect(Array.from(i8.data)).toEqual(big);
    const u1 = parseNpy(buildNpy(dict('|u1', false, '(3,)'), Uint8Array.of(0, 200, 255)));
    expect(Array.from(u1.data)).toEqual([0, 200, 255]);
    const b1 = parseNpy(buildNpy(dict('|b1', false, '(3,)'), Uint8Array.of(0, 1, 1)));
    expect(Array.from(b1.data)).toEqual([0, 1, 1]);
  });

  it('converts Fortran order to C order (2-d and 3-d)', () => {
    // A 2×3 matrix a[i][j] = 10 i + j stored column-major: a00 a10 a01 a11 a02 a12.
    const fortran2 = [0, 10, 1, 11, 2, 12];
    const m = parseNpy(buildNpy(dict('<f8', true, '(2, 3)'), payload(fortran2, 8, (v, o, x) => v.setFloat64(o, x, true))));
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([0, 1, 2, 10, 11, 12]);
    expect(m.fortranOrder).toBe(false);
    // 2×3×4, a[i][j][k] = 100 i + 10 j + k; Fortran offset = i + 2 j + 6 k.
    const fortran3 = new Array<number>(24);
    const c3 = new Array<number>(24);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 4; k++) {
          fortran3[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
          c3[12 * i + 4 * j + k] = 100 * i + 10 * j + k;
        }
    const t = parseNpy(buildNpy(dict('>f4', true, '(2, 3, 4)'), payload(fortran3, 4, (v, o, x) => v.setFloat32(o, x, false))));
    expect(Array.from(t.data)).toEqual(c3);
  });

  it('reads version 2.0 and 3.0 headers (3.0 is UTF-8), and unaligned input views', () => {
    const values = [1, 2, 3, 4, 5, 6];
    const data = payload(values, 8, (v, o, x) => v.setFloat64(o, x, true));
    for (const version of [2, 3]) {
      const header = dict('<f8', false, '(3, 2)') + (version === 3 ? " # é" : '');
      const parsed = parseNpy(buildNpy(header, data, version));
      expect(parsed.shape).toEqual([3, 2]);
      expect(Array.from(parsed.data)).toEqual(values);
    }
    const file = buildNpy(dict('<f8', false, '(6,)'), data);
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    expect(Array.from(parseNpy(shifted.subarray(3)).data)).toEqual(values);
  });

  it('rejects what it cannot read with a clear NpyError', () => {
    const good = buildNpy(dict('<f8', false, '(2,)'), payload([1, 2], 8, (v, o, x) => v.setFloat64(o, x, true)));
    const cases: Array<[Uint8Array, RegExp]> = [
      [new TextEncoder().encode('PK\u0003\u0004 this is a zip file'), /bad magic/],
      [new Uint8Array(4), /bad magic/],
      [buildNpy(dict('|O', false, '(2,)'), new Uint8Array(16)), /object dtype/],
      [buildNpy(dict('<c16', false, '(2,)'), new Uint8Array(32)), /complex dtype/],
      [buildNpy(dict('<U5', false, '(2,)'), new Uint8Array(40)), /unsupported dtype '<U5'/],
      [buildNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), /structured/],
      [good.subarray(0, good.length - 1), /truncated data .* needs 16 bytes, file has 15/],
      [good.subarray(0, 30), /truncated header/],
      [buildNpy("{'descr': '<f8', 'shape': (2,), }", new Uint8Array(16)), /fortran_order/],
      [buildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }", new Uint8Array(16)), /bad shape entry 'x'/],
    ];
    const v4 = good.slice();
    v4[6] = 4;
    cases.push([v4, /unsupported format version 4\.0/]);
    for (const [bytes, message] of cases) {
      let caught: unknown;
      try {
        parseNpy(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(NpyError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    }
  });

  it('refuses a header longer than numpy\'s 10 000 bytes before reading it (a v2 header claiming 60 MB)', () => {
    const claim = new Uint8Array(64);
    claim.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(claim.buffer).setUint32(8, 60_000_000, true);
    expect(() => parseNpy(claim)).toThrow(/^npy: the header is 60000000 bytes long; at most 10000 are read \(numpy's own limit for untrusted files\)$/);
    // a v1 header can claim up to 65 535 bytes: over the limit too
    const v1 = buildNpy(dict('<f8', false, '(2,)') + ' '.repeat(20_000), new Uint8Array(16));
    expect(() => parseNpy(v1)).toThrow(/the header is \d+ bytes long; at most 10000/);
    // the limit can be raised for trusted files
    expect(parseNpy(v1, { maxHeaderBytes: 65_535 }).shape).toEqual([2]);
  });

  it("parses a header in one linear pass: 180 KB and 1.8 MB of repeated 'shape':( are refused at once", () => {
    for (const repeats of [20_000, 200_000]) {
      const header = `{'descr': '<f8', 'fortran_order': False, ${"'shape':(".repeat(repeats)}`;
      const bytes = buildNpy(header, new Uint8Array(0), 2);
      const started = performance.now();
      expect(() => parseNpy(bytes, { maxHeaderBytes: 4_000_000 })).toThrow(/^npy: (bad shape entry|malformed header)/);
      // the regex parser this replaced took 7.8 s for 180 KB, growing quadratically (issue 10)
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it('reads the header dict strictly as numpy writes it', () => {
    const data = payload([1, 2], 8, (v, o, x) => v.setFloat64(o, x, true));
    // keys in any order, either quote, no trailing comma, a Python long suffix
    const reordered = parseNpy(buildNpy(`{"shape": (2L,), "fortran_order": False, "descr": "<f8"}`, data));
    expect(reordered.shape).toEqual([2]);
    expect(Array.from(reordered.data)).toEqual([1, 2]);
    const cases: Array<[string, RegExp]> = [
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }`, /unexpected entry 'extra'/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } trailing`, /malformed header \(unexpected text after the header dict/],
      [`{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }`, /fortran_order must be True or False/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }`, /bad shape entry '-'/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }`, /bad shape entry '99999999999999999999'/],
      [`{'descr': '<f\\8', 'fortran_order': False, 'shape': (2,), }`, /escapes are not supported/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2,)`, /malformed header/],
      [`['descr', '<f8']`, /malformed header \(expected '\{'/],
    ];
    for (const [header, message] of cases) expect(() => parseNpy(buildNpy(header, data)), header).toThrow(message);
  });

  it('copies aligned little-endian float64 data in one block and unaligned data value by value, with the same bits', () => {
    const values = Float64Array.from([0, -0, Math.PI, 5e-324, -1e308, 7]);
    const aligned = encodeNpy(values, [6]);
    const shifted = new Uint8Array(aligned.length + 5);
    shifted.set(aligned, 5);
    for (const bytes of [aligned, shifted.subarray(5)]) {
      const back = parseNpy(bytes).data;
      expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array(values.buffer));
      expect(back.byteOffset).toBe(0); // a fresh array, never a view of the file bytes
      expect(back.buffer.byteLength).toBe(values.byteLength);
    }
  });
});
