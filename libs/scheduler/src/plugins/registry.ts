// The in-tree registry: plugin names to factories (pkg/scheduler/framework/plugins/registry.go).
// Out-of-tree plugins join by merging their own entries into a copy of this map.
import type { PluginFactory, Registry } from '../framework/registry.js';
import { newDefaultPreemption, type DefaultPreemptionArgs } from './default-preemption/default-preemption.js';
import { newImageLocality } from './image-locality/image-locality.js';
import { newInterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/inter-pod-affinity.js';
import { PluginName } from './names.js';
import { newNodeAffinity } from './node-affinity/node-affinity.js';
import { newNodeName } from './node-name/node-name.js';
import { newNodePorts } from './node-ports/node-ports.js';
import { newBalancedAllocation, type BalancedAllocationArgs } from './node-resources/balanced-allocation.js';
import { newNodeResourcesFit, type NodeResourcesFitArgs } from './node-resources/fit.js';
import { newNodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { newPodTopologySpread } from './pod-topology-spread/pod-topology-spread.js';
import { newTaintToleration, type TaintTolerationArgs } from './taint-toleration/taint-toleration.js';

export function inTreeRegistry(): Registry {
  return new Map<string, PluginFactory>([
    [PluginName.NodeUnschedulable, () => newNodeUnschedulable()],
    [PluginName.NodeName, () => newNodeName()],
    [PluginName.TaintToleration, (args: unknown) => newTaintToleration((args ?? {}) as TaintTolerationArgs)],
    [PluginName.NodeAffinity, () => newNodeAffinity()],
    [PluginName.NodePorts, () => newNodePorts()],
    [PluginName.NodeResourcesFit, (args: unknown) => newNodeResourcesFit((args ?? {}) as NodeResourcesFitArgs)],
    [PluginName.PodTopologySpread, () => newPodTopologySpread()],
    [PluginName.InterPodAffinity, (args: unknown) => newInterPodAffinity((args ?? {}) as InterPodAffinityArgs)],
    [PluginName.DefaultPreemption, (args: unknown) => newDefaultPreemption((args ?? {}) as DefaultPreemptionArgs)],
    [PluginName.NodeResourcesBalancedAllocation, (args: unknown) => newBalancedAllocation((args ?? {}) as BalancedAllocationArgs)],
    [PluginName.ImageLocality, () => newImageLocality()],
  ]);
}
