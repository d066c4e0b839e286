/** Which part of the Help view is open (none: closed). Opened from the Help button, `?` and Electron's Help menu. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { HelpSection } from '../lib/helpContent.js';

export const useHelpStore = defineStore('help', () => {
  const section = ref<HelpSection | null>(null);
  /** Guide step to scroll to (the empty states link to their step). */
  const step = ref<string | null>(null);
  function show(which: HelpSection = 'guide', guideStep: string | null = null): void {
    section.value = which;
    step.value = guideStep;
  }
  function close(): void {
    section.value = null;
    step.value = null;
  }
  return { section, step, show, close };
});
