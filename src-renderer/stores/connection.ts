/**
 * The transport's connection state for the UI (always 'open' under Electron), and what the
 * banner should say about it: reconnecting, still reconnecting after a while (the server may have
 * been restarted with a new token), or reconnected a moment ago.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ConnectionState } from '../transport/reconnectingTransport.js';
import { transport } from './api.js';

/** Connecting for longer than this is worth a banner. */
export const SLOW_CONNECT_MS = 1500;
/** Reconnecting for longer than this: the server may be gone or restarted with another token. */
export const LONG_LOSS_MS = 10_000;
/** How long "Reconnected" stays up. */
export const RECONNECTED_NOTICE_MS = 4000;

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting');
  /** Connecting for more than a moment: worth telling the user. */
  const slow = ref(false);
  /** Reconnecting for more than LONG_LOSS_MS. */
  const lostLong = ref(false);
  /** The connection came back after a loss, a moment ago. */
  const reconnected = ref(false);
  let started = false;
  let lossTimer: ReturnType<typeof setTimeout> | null = null;
  let noticeTimer: ReturnType<typeof setTimeout> | null = null;

  function clear(timer: ReturnType<typeof setTimeout> | null): null {
    if (timer !== null) clearTimeout(timer);
    return null;
  }

  function init(): void {
    if (started) return;
    started = true;
    const t = transport();
    state.value = t.connectionState();
    t.onConnectionChange((change) => {
      state.value = change.state;
      if (change.state === 'reconnecting') {
        reconnected.value = false;
        noticeTimer = clear(noticeTimer);
        lossTimer ??= setTimeout(() => {
          lostLong.value = true;
        }, LONG_LOSS_MS);
      } else {
        lossTimer = clear(lossTimer);
        lostLong.value = false;
      }
      if (change.state === 'open' && change.reconnected) {
        reconnected.value = true;
        noticeTimer = clear(noticeTimer);
        noticeTimer = setTimeout(() => {
          reconnected.value = false;
          noticeTimer = null;
        }, RECONNECTED_NOTICE_MS);
      }
    });
    setTimeout(() => {
      slow.value = true;
    }, SLOW_CONNECT_MS);
  }

  return { state, slow, lostLong, reconnected, init };
});
