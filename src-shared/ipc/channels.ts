/**
 * Channel names of the IPC contract, as plain constants with no dependencies, so the sandboxed
 * preload (which may require nothing but 'electron') can bundle its allowlist from them.
 * contract.ts declares one schema per name here; tests/ipc check that the two agree exactly.
 */
/** Channel names, as constants both sides import. */
export const CHANNELS = {
  appInfo: 'app:info',
  exampleLoad: 'example:load',
  jobsStartTraining: 'jobs:start-training',
  jobsStartSoc: 'jobs:start-soc',
  jobsStartSpeed: 'jobs:start-speed',
  jobsStartExperiment: 'jobs:start-experiment',
  jobsCancel: 'jobs:cancel',
  jobsList: 'jobs:list',
  jobsGet: 'jobs:get',
  jobsRemove: 'jobs:remove',
  jobsClearFinished: 'jobs:clear-finished',
  simulateRun: 'simulate:run',
  projectNew: 'project:new',
  projectOpen: 'project:open',
  projectSave: 'project:save',
  projectSaveAs: 'project:saveAs',
  projectRecent: 'project:recent',
  projectSuggestPath: 'project:suggestPath',
  projectRecover: 'project:recover',
  projectCurrent: 'project:current',
  projectUpdate: 'project:update',
  projectImport: 'project:import',
  projectExport: 'project:export',
  // the open project's items by id (the summary leaves their bulk arrays out), edits and history
  projectNetwork: 'project:network',
  projectNetworkRows: 'project:network-rows',
  projectRun: 'project:run',
  projectLibrary: 'project:library',
  projectResult: 'project:result',
  projectEditItem: 'project:edit-item',
  projectDependents: 'project:dependents',
  projectRemoveItems: 'project:remove-items',
  projectUndo: 'project:undo',
  projectRedo: 'project:redo',
  projectPending: 'project:pending',
  projectDiscardRecovery: 'project:discard-recovery',
  runsRecipe: 'runs:recipe',
  // motor primitives (model-spec §9)
  primitivesCreateLibrary: 'primitives:create-library',
  primitivesFit: 'primitives:fit',
  // parameter sweeps of the open project (sweepContract.ts)
  sweepsPlan: 'sweeps:plan',
  sweepsRun: 'sweeps:run',
  sweepsList: 'sweeps:list',
  sweepsExport: 'sweeps:export',
  sweepsImport: 'sweeps:import',
} as const;

export const EVENTS = {
  jobsProgress: 'jobs:progress',
  jobsFinished: 'jobs:finished',
  menuCommand: 'menu:command',
  projectChanged: 'project:changed',
} as const;


/** Electron ipcMain/ipcRenderer channel prefix, so our channels never clash with Electron's own. */
export const ELECTRON_CHANNEL_PREFIX = 'gainlab:';

export type InvokeChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];
export type EventChannelName = (typeof EVENTS)[keyof typeof EVENTS];
export const INVOKE_CHANNEL_NAMES: readonly InvokeChannelName[] = Object.values(CHANNELS);
export const EVENT_CHANNEL_NAMES: readonly EventChannelName[] = Object.values(EVENTS);
