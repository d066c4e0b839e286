/** Helper-thread hosts for a test file: each with one helper thread, all closed after the file's tests. */
import { afterAll } from 'vitest';
import type { CoreBudget } from '../../src-shared/model/kernels/threads.js';
import { createNodeKernelThreads, type NodeKernelThreads } from '../../src-main/worker/kernelThread.js';

export function kernelHosts(): (budget?: CoreBudget) => NodeKernelThreads {
  const hosts: NodeKernelThreads[] = [];
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
  });
  return (budget) => {
    const created = createNodeKernelThreads({ helpers: 1, budget });
    hosts.push(created);
    return created;
  };
}
