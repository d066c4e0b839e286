/**
 * Non-blocking messages (toasts). Every error envelope from main ends up here as one readable
 * sentence (messageForError), so no failure is silent and none blocks the page with a dialog.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type NoticeKind = 'error' | 'info' | 'success';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
  /** How many times the same text arrived while it was shown (repeats are folded, not stacked). */
  count: number;
  /** One button beside the text (e.g. Undo after a deletion); the notice closes when it is used. */
  action?: { label: string; run: () => void };
}

/** Errors stay longer than information: the researcher may be looking at a plot. */
const LIFETIME_MS: Record<NoticeKind, number> = { error: 12_000, info: 5_000, success: 5_000 };
/** At most three notices at once (the oldest goes): a stack stays short, in its corner. */
export const MAX_SHOWN = 3;

export const useNotificationsStore = defineStore('notifications', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  function dismiss(id: number): void {
    const timer = timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(id);
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  function arm(id: number, kind: NoticeKind): void {
    const old = timers.get(id);
    if (old !== undefined) clearTimeout(old);
    timers.set(
      id,
      setTimeout(() => dismiss(id), LIFETIME_MS[kind]),
    );
  }

  function push(kind: NoticeKind, text: string, action?: Notice['action']): number {
    const same = action ? undefined : notices.value.find((notice) => notice.kind === kind && notice.text === text && !notice.action);
    if (same) {
      same.count += 1;
      arm(same.id, kind);
      return same.id;
    }
    const id = nextId++;
    notices.value = [...notices.value, { id, kind, text, count: 1, ...(action ? { action } : {}) }].slice(-MAX_SHOWN);
    arm(id, kind);
    return id;
  }

  return {
    notices,
    dismiss,
    push,
    error: (text: string) => push('error', text),
    info: (text: string, action?: Notice['action']) => push('info', text, action),
    success: (text: string, action?: Notice['action']) => push('success', text, action),
    /** Run a notice's action and close it. */
    act(id: number): void {
      const notice = notices.value.find((n) => n.id === id);
      dismiss(id);
      notice?.action?.run();
    },
  };
});
