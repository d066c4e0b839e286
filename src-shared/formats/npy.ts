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
 *
 * Untrusted input: a header longer than NPY_MAX_HEADER_BYTES (10 000, numpy's own limit) is refused
 * before it is read, the header is parsed in one linear pass (no regular expressions over it), and
 * the data size is checked against the bytes present before anything is allocated.
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

/** numpy's own limit on header length for files it does not trust (numpy.lib.format, max_header_size). */
export const NPY_MAX_HEADER_BYTES = 10_000;

/**
 * The header dict, parsed in one left-to-right pass over its bytes (linear time whatever it holds):
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (200, 200), }`, keys in any order, either
 * quote, optional trailing comma, then spaces, an optional `# comment` and the newline. Only these
 * three keys, as numpy requires.
 */
function parseHeader(bytes: Uint8Array, start: number, end: number): { descr: string; fortranOrder: boolean; shape: number[] } {
  let pos = start;
  const char = (): string => (pos < end ? String.fromCharCode(bytes[pos]) : '');
  const skipSpace = (): void => {
    while (pos < end && (bytes[pos] === 0x20 || bytes[pos] === 0x09 || bytes[pos] === 0x0a || bytes[pos] === 0x0d)) pos++;
  };
  const fail = (what: string): never => {
    throw new NpyError(`npy: malformed header (${what} at byte ${pos - start})`);
  };
  const expect = (c: string): void => {
    if (char() !== c) fail(`expected '${c}'`);
    pos++;
  };
  const readString = (): string => {
    const quote = char();
    if (quote !== "'" && quote !== '"') fail('expected a quoted string');
    const from = ++pos;
    while (pos < end && bytes[pos] !== bytes[from - 1]) {
      if (bytes[pos] === 0x5c) fail('escapes are not supported');
      pos++;
    }
    if (pos >= end) fail('unterminated string');
    let text = '';
    for (let i = from; i < pos; i++) text += String.fromCharCode(bytes[i]);
    pos++;
    return text;
  };
  const readWord = (): string => {
    const from = pos;
    for (; pos < end; pos++) {
      const b = bytes[pos];
      const wordChar = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
      if (!wordChar) break;
    }
    let word = '';
    for (let i = from; i < pos; i++) word += String.fromCharCode(bytes[i]);
    return word;
  };
  const readShape = (): number[] => {
    expect('(');
    const shape: number[] = [];
    for (;;) {
      skipSpace();
      if (char() === ')') break;
      const word = readWord();
      const digits = word.endsWith('L') ? word.slice(0, -1) : word;
      if (!/^\d{1,16}$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
        throw new NpyError(`npy: bad shape entry '${(word || char()).slice(0, 20)}' in header`);
      }
      shape.push(Number(digits));
      skipSpace();
      if (char() === ',') pos++;
      else if (char() !== ')') fail("expected ',' or ')' in the shape");
      if (shape.length > 32) fail('more than 32 dimensions');
    }
    pos++;
    return shape;
  };

  let descr: string | undefined;
  let fortranOrder: boolean | undefined;
  let shape: number[] | undefined;
  skipSpace();
  expect('{');
  for (;;) {
    skipSpace();
    if (char() === '}') break;
    const key = readString();
    skipSpace();
    expect(':');
    skipSpace();
    if (key === 'descr') {
      if (char() === '[') throw new NpyError('npy: structured dtypes are not supported');
      descr = readString();
    } else if (key === 'fortran_order') {
      const word = readWord();
      if (word !== 'True' && word !== 'False') fail("fortran_order must be True or False");
      fortranOrder = word === 'True';
    } else if (key === 'shape') {
      shape = readShape();
    } else {
      throw new NpyError(`npy: header has an unexpected entry '${key.slice(0, 40)}' (numpy writes only descr, fortran_order and shape)`);
    }
    skipSpace();
    if (char() === ',') pos++;
    else if (char() !== '}') fail("expected ',' or '}'");
  }
  pos++;
  // after the dict: spaces, an optional comment, the newline
  skipSpace();
  if (char() === '#') while (pos < end && bytes[pos] !== 0x0a) pos++;
  skipSpace();
  if (pos !== end) fail('unexpected text after the header dict');
  if (descr === undefined) throw new NpyError("npy: header has no 'descr' entry");
  if (fortranOrder === undefined) throw new NpyError("npy: header has no 'fortran_order' entry");
  if (shape === undefined) throw new NpyError("npy: header has no 'shape' entry");
  return { descr, fortranOrder, shape };
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

/** Platform byte order (every current platform is little-endian; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

export interface ParseNpyOptions {
  /** Longest header accepted (default NPY_MAX_HEADER_BYTES, numpy's limit for untrusted files). */
  maxHeaderBytes?: number;
}

export function parseNpy(bytes: Uint8Array, options: ParseNpyOptions = {}): ParsedNpy {
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
  const maxHeader = options.maxHeaderBytes ?? NPY_MAX_HEADER_BYTES;
  if (headerLength > maxHeader) {
    throw new NpyError(`npy: the header is ${headerLength} bytes long; at most ${maxHeader} are read (numpy's own limit for untrusted files)`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new NpyError('npy: truncated header');
  // Byte-wise (latin1) reading: every key and value we read is ASCII, and a v3.0 UTF-8 header
  // only differs in bytes ≥ 0x80, which can only appear inside entries we do not support anyway.
  const { descr, fortranOrder, shape } = parseHeader(bytes, headerStart, dataStart);
  const reader = dtypeReader(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * reader.itemSize;
  if (bytes.length - dataStart < needed) {
    throw new NpyError(`npy: truncated data (shape (${shape.join(', ')}) needs ${needed} bytes, file has ${bytes.length - dataStart})`);
  }
  let data: Float64Array = new Float64Array(count);
  if (descr === '<f8' || (descr === '=f8' && LITTLE_ENDIAN)) {
    const offset = bytes.byteOffset + dataStart;
    if (LITTLE_ENDIAN && offset % 8 === 0) data.set(new Float64Array(bytes.buffer, offset, count));
    else for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
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
