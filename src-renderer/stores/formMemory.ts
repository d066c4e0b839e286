/**
 * What a researcher set up survives a reload: the selected network and target and the settings
 * typed into the forms are remembered per project (by its id) in the browser's localStorage, and
 * restored when the same project is shown again. Only plain values are kept (numbers, strings,
 * booleans and arrays of them), each entry bounded in size; a value of the wrong type in storage
 * (an older GainLab, a hand edit) is ignored field by field, never trusted.
 */
import { watch, type WatchStopHandle } from 'vue';

const PREFIX = 'gainlab:remembered:';
/** Longest JSON text kept per project (the forms need well under 1 KB each). */
const MAX_ENTRY_CHARS = 64 * 1024;

interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** localStorage where there is one (the app), else memory (unit tests, or storage switched off). */
function storage(): KeyValueStorage {
  const candidate = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
  if (candidate) {
    try {
      candidate.getItem(`${PREFIX}probe`);
      return candidate;
    } catch {
      // storage disabled (privacy settings): fall through to memory
    }
  }
  return memoryStorage;
}

const memoryEntries = new Map<string, string>();
const memoryStorage: KeyValueStorage = {
  getItem: (key) => memoryEntries.get(key) ?? null,
  setItem: (key, value) => void memoryEntries.set(key, value),
};

type Entry = Record<string, unknown>;

function readEntry(projectId: string): Entry {
  try {
    const text = storage().getItem(PREFIX + projectId);
    if (!text || text.length > MAX_ENTRY_CHARS) return {};
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Entry) : {};
  } catch {
    return {};
  }
}

function writeEntry(projectId: string, entry: Entry): void {
  try {
    const text = JSON.stringify(entry);
    if (text.length <= MAX_ENTRY_CHARS) storage().setItem(PREFIX + projectId, text);
  } catch {
    // quota exceeded or storage switched off: forgetting form state is harmless
  }
}

/** The value remembered under `key` for this project, or undefined. */
export function recall(projectId: string, key: string): unknown {
  return readEntry(projectId)[key];
}

export function remember(projectId: string, key: string, value: unknown): void {
  const entry = readEntry(projectId);
  entry[key] = value;
  writeEntry(projectId, entry);
}

function sameKind(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && b.every((item) => ['string', 'number', 'boolean'].includes(typeof item));
  // a number field may hold NaN while typed over (JSON keeps it as null): never restore that
  return typeof a === typeof b && !(typeof b === 'number' && !Number.isFinite(b));
}

/** Copy into `fields` the remembered values whose type matches the field's (unknown keys are ignored). */
export function restoreFields<T extends object>(fields: T, saved: unknown): void {
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return;
  const target = fields as Record<string, unknown>;
  for (const [key, value] of Object.entries(saved as Entry)) {
    if (key in target && sameKind(target[key], value)) target[key] = Array.isArray(value) ? [...value] : value;
  }
}

/**
 * Keep a reactive form in step with the project shown: restore its remembered fields whenever the
 * project changes (defaults first, so another project's values never leak in), and remember every edit.
 */
export function persistForm<T extends object>(key: string, fields: T, defaults: () => T, projectId: () => string | null): WatchStopHandle {
  let restoring = false;
  const stopProject = watch(
    projectId,
    (id) => {
      restoring = true;
      Object.assign(fields, defaults());
      if (id) restoreFields(fields, recall(id, key));
      restoring = false;
    },
    { immediate: true },
  );
  const stopFields = watch(
    () => JSON.stringify(fields),
    () => {
      const id = projectId();
      if (id && !restoring) remember(id, key, JSON.parse(JSON.stringify(fields)));
    },
  );
  return () => {
    stopProject();
    stopFields();
  };
}
