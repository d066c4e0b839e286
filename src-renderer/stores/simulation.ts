/**
 * What the workspace plots: the selected network's output with all gains 1 (the baseline) and,
 * for a finished or cancelled training job, the output and rates with its best gains. Both are
 * computed in main (simulate:run) and cached by what they depend on.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { CHANNELS, type ModelSource, type SimulateRequest, type SimulateResponse } from '../../src-shared/ipc/contract.js';
import { call } from './api.js';

export interface TrainedOutput {
  jobId: string;
  networkId: string;
  targetId: string;
  session: number;
  response: SimulateResponse;
}

/**
 * The simulate:run request that reproduces a training job's (or stored run's) best output on its
 * own network, from the initial condition it learned the first target from (as its live outputs
 * and its analyses are simulated): from row 0 a run on another row showed an output, and a
 * "trained" error, other than its own.
 */
export function simulateRequestForJob(source: ModelSource, gains: Float64Array): SimulateRequest {
  if (source.kind === 'inline') {
    return { network: source.network, target: source.targets[0], gains, includeRates: true };
  }
  return {
    network: { networkId: source.networkId, initialConditionIndex: source.initialConditionIndices?.[0] ?? 0 },
    target: { targetId: source.targetIds[0] },
    gains,
    includeRates: true,
  };
}

export function sourceIds(source: ModelSource): { networkId: string; targetId: string } {
  return source.kind === 'inline'
    ? { networkId: source.network.id, targetId: source.targets[0].id }
    : { networkId: source.networkId, targetId: source.targetIds[0] };
}

export const useSimulationStore = defineStore('simulation', () => {
  const baseline = shallowRef<SimulateResponse | null>(null);
  const baselineKey = ref<string | null>(null);
  const baselineLoading = ref(false);
  const trained = shallowRef<TrainedOutput | null>(null);
  const trainedLoading = ref(false);
  /** What the baseline should show now: network, its version and the target. */
  const wantedKey = ref<string | null>(null);
  /**
   * The baseline of the current selection, or null while it is being computed: after switching the
   * target, the previous target's "E with g = 1" must never be shown as the new one's.
   */
  const currentBaseline = computed(() => (wantedKey.value !== null && baselineKey.value === wantedKey.value ? baseline.value : null));
  let baselineRequestSerial = 0;
  let trainedRequestSerial = 0;

  /**
   * The output with all gains 1 of a project network (initial condition 0), against a target when
   * one is chosen. contentKey changes when the network or the target is replaced under the same id.
   */
  async function refreshBaseline(networkId: string | null, targetId: string | null, contentKey = ''): Promise<void> {
    if (!networkId) {
      // an answer still on its way for the previous network must not land here: a new project
      // (no network) showed the last project's output with g = 1
      ++baselineRequestSerial;
      baselineLoading.value = false;
      baseline.value = null;
      baselineKey.value = null;
      wantedKey.value = null;
      return;
    }
    // the key changes when main replaces the network (a new readout, new initial conditions) or the
    // target's samples
    const key = `${networkId}|${contentKey}|${targetId ?? ''}`;
    wantedKey.value = key;
    if (key === baselineKey.value && baseline.value) return;
    const serial = ++baselineRequestSerial;
    baselineLoading.value = true;
    const answer = await call(CHANNELS.simulateRun, {
      network: { networkId },
      ...(targetId ? { target: { targetId } } : {}),
      includeRates: true,
    });
    if (serial !== baselineRequestSerial) return; // the selection changed meanwhile
    baselineLoading.value = false;
    if (answer.ok) {
      baseline.value = answer.value;
      baselineKey.value = key;
    }
  }

  async function showTrained(jobId: string, source: ModelSource, session: number, gains: Float64Array): Promise<void> {
    if (trained.value && trained.value.jobId === jobId && trained.value.session === session) return;
    const serial = ++trainedRequestSerial;
    trainedLoading.value = true;
    const answer = await call(CHANNELS.simulateRun, simulateRequestForJob(source, gains));
    if (serial !== trainedRequestSerial) return;
    trainedLoading.value = false;
    if (answer.ok) trained.value = { jobId, session, ...sourceIds(source), response: answer.value };
  }

  function clearTrained(): void {
    ++trainedRequestSerial;
    trainedLoading.value = false;
    trained.value = null;
  }

  return { baseline, currentBaseline, baselineLoading, trained, trainedLoading, refreshBaseline, showTrained, clearTrained };
});
