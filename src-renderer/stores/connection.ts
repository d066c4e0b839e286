/** The transport's connection state for the UI (always 'open' under Electron). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ConnectionState } from '../transport/reconnectingTransport.js';
import { transport } from './api.js';

export const useConnectionStore = defineStore('connection', () => {
  const state = ref<ConnectionState>('connecting');
  /** Connecting for more than a moment: worth telling the user. */
  const slow = ref(false);
  let started = false;

  function init(): void {
    if (started) return;
    started = true;
    const t = transport();
    state.value = t.connectionState();
    t.onConnectionChange((change) => {
      state.value = change.state;
    });
    setTimeout(() => {
      slow.value = true;
    }, 1500);
  }

  return { state, slow, init };
});
