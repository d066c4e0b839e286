/**
 * NumPy .npy reading and writing (format spec: numpy/lib/format.py, "NEP 1").
 *
 * Layout: magic "\x93NUMPY", major, minor version byte, header length (uint16 LE for v1.0,
 * uint32 LE for v2.0/v3.0), then an ASCII (v1/v2) or UTF-8 (v3) Python dict literal
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (200, 200), }
 * padded with spaces and a final '\n', then the raw data.
 *
 * parseNpy reads real numeric dtypes (f4/f8, signed and unsigned 1–8 byte integers, booleans) in
 * either byte order, converts them to float64 and always returns C (row-major) order. Integers
 * beyond ±2^53 lose precision in the conversion. Everything else — object or structured dtypes,
 * complex, strings, bad magic, malformed headers, truncated data — throws NpyError with a one-line
 * message saying what is wrong.
 */

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

export interface ParsedNpy {
  shape: number[];
  /** Values in C order, converted to float64. */
  data: Float64Array;
  /** Always false: Fortran-ordered files are transposed into C order on reading. */
  fortranOrder: false;
  /** The dtype descriptor found in the file, e.g. '<f8'. */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

interface DtypeReader {
  itemSize: number;
  read: (view: DataView, offset: number) => number;
}

function dtypeReader(descr: string): DtypeReader {
  const match = /^([<>|=])([a-zA-Z])(\d*)$/.exec(descr);
  if (!match) throw new NpyError(`npy: unsupported dtype '${descr}' (only plain numeric dtypes can be read)`);
  const [, order, kind, sizeText] = match;
  const size = Number(sizeText);
  // '=' is native order; files written by numpy on every current platform are little-endian.
  const little = order !== '>';
  switch (kind) {
    case 'f':
      if (size === 8) return { itemSize: 8, read: (v, o) => v.getFloat64(o, little) };
      if (size === 4) return { itemSize: 4, read: (v, o) => v.getFloat32(o, little) };
      break;
    case 'i':
      if (size === 1) return { itemSize: 1, read: (v, o) => v.getInt8(o) };
      if (size === 2) return { itemSize: 2, read: (v, o) => v.getInt16(o, little) };
      if (size === 4) return { itemSize: 4, read: (v, o) => v.getInt32(o, little) };
      if (size === 8) return { itemSize: 8, read: (v, o) => Number(v.getBigInt64(o, little)) };
      break;
    case 'u':
      if (size === 1) return { itemSize: 1, read: (v, o) => v.getUint8(o) };
      if (size === 2) return { itemSize: 2, read: (v, o) => v.getUint16(o, little) };
      if (size === 4) return { itemSize: 4, read: (v, o) => v.getUint32(o, little) };
      if (size === 8) return { itemSize: 8, read: (v, o) => Number(v.getBigUint64(o, little)) };
      break;
    case 'b':
      if (size === 1) return { itemSize: 1, read: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0) };
      break;
    case 'c':
      throw new NpyError(`npy: complex dtype '${descr}' is not supported (real arrays only)`);
    case 'O':
      throw new NpyError(`npy: object dtype '${descr}' cannot be read (save plain numeric arrays, allow_pickle is never used)`);
  }
  throw new NpyError(`npy: unsupported dtype '${descr}'`);
}

function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descrMatch = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) throw new NpyError('npy: structured dtypes are not supported');
    throw new NpyError("npy: header has no 'descr' entry");
  }
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortranMatch) throw new NpyError("npy: header has no 'fortran_order' entry");
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw new NpyError("npy: header has no 'shape' entry");
  const shape: number[] = [];
  for (const part of shapeMatch[1].split(',')) {
    const trimmed = part.trim().replace(/L$/, '');
    if (trimmed === '') continue;
    if (!/^\d+$/.test(trimmed)) throw new NpyError(`npy: bad shape entry '${trimmed}' in header`);
    shape.push(Number(trimmed));
  }
  return { descr: descrMatch[2], fortranOrder: fortranMatch[1] === 'True', shape };
}

/** Reorder Fortran-order values (first index fastest) into C order (last index fastest). */
function fortranToC(values: Float64Array, shape: number[]): Float64Array {
  const dims = shape.length;
  if (dims < 2) return values;
  const out = new Float64Array(values.length);
  const fortranStride = new Array<number>(dims);
  let stride = 1;
  for (let d = 0; d < dims; d++) {
    fortranStride[d] = stride;
    stride *= shape[d];
  }
  const index = new Array<number>(dims).fill(0);
  let source = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = values[source];
    // Increment the C-order multi-index (last dimension fastest), updating the Fortran offset.
    for (let d = dims - 1; d >= 0; d--) {
      index[d]++;
      source += fortranStride[d];
      if (index[d] < shape[d]) break;
      source -= fortranStride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

export function parseNpy(bytes: Uint8Array): ParsedNpy {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('npy: not a .npy file (bad magic bytes)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('npy: truncated header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`npy: unsupported format version ${major}.${minor}`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new NpyError('npy: truncated header');
  // Byte-wise (latin1) decoding: every key and value we read is ASCII, and a v3.0 UTF-8 header
  // only differs in bytes ≥ 0x80, which can only appear inside entries we do not support anyway.
  let headerText = '';
  for (let i = headerStart; i < dataStart; i++) headerText += String.fromCharCode(bytes[i]);
  const { descr, fortranOrder, shape } = parseHeader(headerText);
  const reader = dtypeReader(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * reader.itemSize;
  if (bytes.length - dataStart < needed) {
    throw new NpyError(`npy: truncated data (shape (${shape.join(', ')}) needs ${needed} bytes, file has ${bytes.length - dataStart})`);
  }
  let data: Float64Array = new Float64Array(count);
  if (descr === '<f8') {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
  } else {
    for (let i = 0; i < count; i++) data[i] = reader.read(view, dataStart + reader.itemSize * i);
  }
  if (fortranOrder) data = fortranToC(data, shape);
  return { shape, data, fortranOrder: false, dtype: descr };
}

/** Encode as a v1.0 '<f8' C-order .npy (header padded so the data starts at a multiple of 64 bytes). */
export function encodeNpy(data: Float64Array, shape: number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new NpyError(`npy: bad shape entry ${d}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new NpyError(`npy: shape (${shape.join(', ')}) holds ${count} values but data has ${data.length}`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1; // magic+version+length, dict, '\n'
  const total = Math.ceil(unpadded / 64) * 64;
  header = header + ' '.repeat(total - unpadded) + '\n';
  if (header.length > 65535) throw new NpyError('npy: header too long for format 1.0');
  const out = new Uint8Array(total + 8 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) view.setFloat64(total + 8 * i, data[i], true);
  return out;
}
