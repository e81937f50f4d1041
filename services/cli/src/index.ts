// @skiff/cli as a library: the component contract later services implement to join `skiff up`,
// and the state-file reader other tools (system tests, the web inspector) use to find a cluster.
export type { Component, ComponentContext, ComponentHandle } from './component.js';
export { ClusterEvents } from './cluster-events.js';
export { clusterMachine, type ClusterEvent, type ClusterInput } from './cluster.machine.js';
export { readClusterState, stateFilePath, type ClusterState } from './state-file.js';
export { resolveDataDir, DEFAULT_CLUSTER } from './options.js';
