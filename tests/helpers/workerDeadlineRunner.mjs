// The worker of tests/helpers/workerDeadline.ts: loads the test files' setup
// (tests/helpers/wasmFeatures.setup.ts) and the scenario's module through tsx, calls the scenario
// and posts its result. A rejection ends the worker with an 'error' event.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { module, name, input } = workerData;
await tsImport(new URL('./wasmFeatures.setup.ts', import.meta.url).href, import.meta.url);
const scenarios = await tsImport(module, import.meta.url);
parentPort.postMessage(await scenarios[name](input));
