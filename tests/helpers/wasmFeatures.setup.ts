// Every test file runs with the WebAssembly features the app's Node processes turn on
// (src-main/worker/wasmFeatures.ts): the kernels' default arithmetic in tests is the app's.
import { enableWasmFeatures } from '../../src-main/worker/wasmFeatures.js';

enableWasmFeatures();
