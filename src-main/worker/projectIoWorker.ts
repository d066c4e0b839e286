/**
 * Worker thread for project files (services/projectCodec.ts): decodes a .gainlab archive or
 * encodes a project, so main's event loop never inflates, deflates or checks a large project.
 * Decoded projects go back with their arrays' buffers transferred (no copy).
 * Never imports electron (scripts/check-boundaries.mjs).
 */
import { Piscina } from 'piscina';
import { decodeProjectFile, encodeProject, type EncodeProjectOptions } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import type { Project } from '../../src-shared/project/schema.js';

export type ProjectIoTask =
  | { op: 'decode'; bytes: Uint8Array; fileName: string }
  | { op: 'encode'; project: Project; options: EncodeProjectOptions };

/** Every ArrayBuffer under `value` (typed arrays of the decoded project), each once. */
function buffersOf(value: unknown, found = new Set<ArrayBuffer>(), depth = 0): Set<ArrayBuffer> {
  if (depth > 32 || value === null || typeof value !== 'object') return found;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    return found;
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) buffersOf(child, found, depth + 1);
  return found;
}

/** A ProjectFileError keeps its code across the thread boundary in its message. */
function portable(error: unknown): Error {
  if (error instanceof ProjectFileError) {
    return new Error(`gainlab-project-error:${error.code}:${error.fileName ?? ''}\u0000${error.detail}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export default function runProjectIoTask(task: ProjectIoTask): unknown {
  try {
    if (task.op === 'decode') {
      const decoded = decodeProjectFile(task.bytes, { fileName: task.fileName });
      const transferList = [...buffersOf(decoded.project)];
      return Piscina.move({
        [Piscina.transferableSymbol]: transferList,
        [Piscina.valueSymbol]: decoded,
      } as never);
    }
    const bytes = encodeProject(task.project, task.options);
    return Piscina.move(bytes);
  } catch (error) {
    throw portable(error);
  }
}
