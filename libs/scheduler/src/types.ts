// The parts of Kubernetes objects the scheduler reads, as structural types compatible with the
// Kubernetes JSON (k8s.io/api/core/v1, policy/v1). Every field is optional where the API allows it
// to be absent, so an object decoded from the wire (or built by @skiff/api) can be passed as is.

export type ResourceList = Readonly<Record<string, string | number>>;
export type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Labels;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
}

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** NodeSelectorRequirement: operators In, NotIn, Exists, DoesNotExist, Gt, Lt. */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface NodeSelectorTerm {
  readonly matchExpressions?: readonly NodeSelectorRequirement[];
  readonly matchFields?: readonly NodeSelectorRequirement[];
}

export interface NodeSelector {
  readonly nodeSelectorTerms: readonly NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  readonly weight: number;
  readonly preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly PreferredSchedulingTerm[];
}

export interface PodAffinityTerm {
  readonly labelSelector?: LabelSelector;
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: LabelSelector;
  readonly topologyKey: string;
}

export interface WeightedPodAffinityTerm {
  readonly weight: number;
  readonly podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTerm[];
  readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly WeightedPodAffinityTerm[];
}

export interface Affinity {
  readonly nodeAffinity?: NodeAffinity;
  readonly podAffinity?: PodAffinity;
  readonly podAntiAffinity?: PodAffinity;
}

export const TaintEffect = {
  NoSchedule: 'NoSchedule',
  PreferNoSchedule: 'PreferNoSchedule',
  NoExecute: 'NoExecute',
} as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key?: string;
  /** Equal (the default) or Exists. */
  readonly operator?: string;
  readonly value?: string;
  /** Empty means every effect. */
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  /** DoNotSchedule or ScheduleAnyway. */
  readonly whenUnsatisfiable: string;
  readonly labelSelector?: LabelSelector;
  readonly minDomains?: number;
  /** Honor (the default) or Ignore. */
  readonly nodeAffinityPolicy?: string;
  /** Ignore (the default) or Honor. */
  readonly nodeTaintsPolicy?: string;
}

export interface ContainerPort {
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly hostIP?: string;
  readonly protocol?: string;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly resources?: { readonly requests?: ResourceList; readonly limits?: ResourceList };
  readonly ports?: readonly ContainerPort[];
  /** `Always` on an init container makes it a sidecar that keeps running beside the app. */
  readonly restartPolicy?: string;
}

export interface PodSpec {
  readonly nodeName?: string;
  readonly schedulerName?: string;
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly nodeSelector?: Labels;
  readonly affinity?: Affinity;
  readonly tolerations?: readonly Toleration[];
  readonly priority?: number;
  readonly priorityClassName?: string;
  /** PreemptLowerPriority (the default) or Never. */
  readonly preemptionPolicy?: string;
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  readonly overhead?: ResourceList;
}

export interface PodStatus {
  readonly nominatedNodeName?: string;
  readonly startTime?: string;
  readonly phase?: string;
}

export interface Pod {
  readonly metadata?: ObjectMeta;
  readonly spec?: PodSpec;
  readonly status?: PodStatus;
}

export interface ContainerImage {
  readonly names?: readonly string[];
  readonly sizeBytes?: number;
}

export interface Node {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly unschedulable?: boolean; readonly taints?: readonly Taint[] };
  readonly status?: {
    readonly allocatable?: ResourceList;
    readonly capacity?: ResourceList;
    readonly images?: readonly ContainerImage[];
  };
}

export interface Namespace {
  readonly metadata?: ObjectMeta;
}

/** policy/v1 PodDisruptionBudget: what preemption reads. */
export interface PodDisruptionBudget {
  readonly metadata?: ObjectMeta;
  readonly spec?: { readonly selector?: LabelSelector };
  readonly status?: { readonly disruptionsAllowed?: number; readonly disruptedPods?: Readonly<Record<string, string>> };
}

/** Well-known labels (k8s.io/api/core/v1/well_known_labels.go). */
export const LabelHostname = 'kubernetes.io/hostname';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';
export const LabelTopologyRegion = 'topology.kubernetes.io/region';
/** The taint `kubectl cordon` implies (node.kubernetes.io/unschedulable:NoSchedule). */
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const DefaultSchedulerName = 'default-scheduler';
