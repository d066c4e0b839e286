/**
 * One question at a time, asked in an in-app modal (ConfirmDialog.vue) for the web mode and
 * Electron alike: "Delete target “Reach”? 3 runs use it", "2 jobs are still running: keep them
 * running / cancel them". `ask` resolves with the id of the chosen answer ('cancel' on Esc or a
 * click beside the dialog).
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export interface DialogChoice {
  id: string;
  label: string;
  kind?: 'primary' | 'danger' | 'secondary' | 'ghost';
}

export interface DialogQuestion {
  title: string;
  text: string;
  /** Lines listed under the text (what would be deleted, the running jobs). */
  items?: string[];
  choices: DialogChoice[];
}

export const useDialogsStore = defineStore('dialogs', () => {
  const question = shallowRef<DialogQuestion | null>(null);
  let answer: ((choice: string) => void) | null = null;

  function ask(next: DialogQuestion): Promise<string> {
    if (answer) respond('cancel'); // one question at a time
    return new Promise((resolve) => {
      answer = resolve;
      question.value = next;
    });
  }

  function respond(choice: string): void {
    const settle = answer;
    answer = null;
    question.value = null;
    settle?.(choice);
  }

  return { question, ask, respond };
});
