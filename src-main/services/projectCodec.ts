/**
 * Encoding and decoding of .gainlab files off the main thread. A project with an N = 2000 network
 * is a 32 MB matrix: deflating or inflating it, checking it and parsing its .npy files takes
 * seconds, during which main's event loop must keep answering (other windows, job events, the
 * web mode's clients). The codec runs src-shared/project/archive.ts in a worker thread
 * (worker/projectIoWorker.ts); decoded arrays come back transferred, not copied.
 *
 * `inlineProjectCodec` does the same work on the calling thread (CLI, tests that need no threads).
 */
import { decodeProjectFile, encodeProject, type DecodedProject, type EncodeProjectOptions } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import type { Project } from '../../src-shared/project/schema.js';
import type { ProjectIoTask } from '../worker/projectIoWorker.js';

export interface ProjectCodec {
  decode(bytes: Uint8Array, fileName: string): Promise<DecodedProject>;
  encode(project: Project, options: EncodeProjectOptions): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

export function inlineProjectCodec(): ProjectCodec {
  return {
    decode: async (bytes, fileName) => decodeProjectFile(bytes, { fileName }),
    encode: async (project, options) => encodeProject(project, options),
    dispose: async () => undefined,
  };
}

/** What the worker pool must offer (a piscina pool; see workerPool.ts). */
export interface IoPoolLike {
  run(task: ProjectIoTask, options?: { transferList?: ArrayBuffer[] }): Promise<unknown>;
  destroy(): Promise<void>;
}

/** A ProjectFileError crossing the worker boundary arrives as a plain Error: give it its code back. */
function fromWorker(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^gainlab-project-error:([a-z-]+):([\s\S]*)$/.exec(message);
  if (match) {
    const [, code, rest] = match;
    const separator = rest.indexOf('\u0000');
    const fileName = separator >= 0 ? rest.slice(0, separator) : undefined;
    const text = separator >= 0 ? rest.slice(separator + 1) : rest;
    return new ProjectFileError(code as ProjectFileError['code'], text, fileName ? { fileName } : {});
  }
  return error;
}

export function workerProjectCodec(pool: IoPoolLike): ProjectCodec {
  return {
    async decode(bytes, fileName) {
      // the bytes are ours to give away (read for this call): transfer them
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
      try {
        return (await pool.run({ op: 'decode', bytes: own, fileName }, { transferList: [own.buffer as ArrayBuffer] })) as DecodedProject;
      } catch (error) {
        throw fromWorker(error);
      }
    },
    async encode(project, options) {
      try {
        return (await pool.run({ op: 'encode', project, options })) as Uint8Array;
      } catch (error) {
        throw fromWorker(error);
      }
    },
    dispose: () => pool.destroy(),
  };
}
