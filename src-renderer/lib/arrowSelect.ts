/**
 * v-arrow-select on a role="radiogroup" or role="tablist" of buttons: the arrow keys move to the
 * previous or next enabled radio or tab (wrapping), Home and End to the first and last, and select
 * it as a click does. A screen reader announces these as "radio button 1 of 2" or "tab 1 of 2",
 * and its users expect the arrows to work there; each button stays a Tab stop as well.
 */
import type { Directive } from 'vue';

const STEP: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

function onKeyDown(this: HTMLElement, event: KeyboardEvent): void {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const choices = Array.from(this.querySelectorAll<HTMLButtonElement>('[role="radio"], [role="tab"]')).filter((button) => !button.disabled && button.getClientRects().length > 0);
  const current = choices.indexOf(document.activeElement as HTMLButtonElement);
  if (current < 0) return;
  let next: number;
  if (event.key in STEP) next = (current + STEP[event.key] + choices.length) % choices.length;
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = choices.length - 1;
  else return;
  event.preventDefault();
  choices[next].focus();
  choices[next].click();
}

export const vArrowSelect: Directive<HTMLElement> = {
  mounted(element) {
    element.addEventListener('keydown', onKeyDown);
  },
  unmounted(element) {
    element.removeEventListener('keydown', onKeyDown);
  },
};
