import { expect } from 'vitest';
import { TaskError } from '../../src-shared/tasks/context.js';

/** The message of the TaskError `run` throws (a refusal of input a user can fix); fails the test otherwise. */
export function taskRefusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TaskError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}
