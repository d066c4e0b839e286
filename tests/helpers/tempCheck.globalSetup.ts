// Vitest's globalSetup (vitest.config.ts): the run gets a temp folder of its own, and fails at the
// end if a test left anything in it (the design is explained in tests/helpers/tempDirs.ts).
import { isolateRunTemp } from './tempDirs.js';

export default function setup(): () => void {
  return isolateRunTemp('vitest');
}
