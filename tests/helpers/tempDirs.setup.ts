// After each test file: remove the temp folders it made with tempDir (tests/helpers/tempDirs.ts),
// after the file's own afterAll hooks (vitest runs after-hooks in reverse order of registration),
// so servers and workers that write into them are closed first.
import { afterAll } from 'vitest';
import { removeTempDirs } from './tempDirs.js';

afterAll(removeTempDirs);
