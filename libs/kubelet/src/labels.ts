// Labels and annotations the kubelet puts on sandboxes and containers so that it can recognise
// them when it lists the runtime (pkg/kubelet/kuberuntime/labels.go, pkg/kubelet/types/labels.go).
export const KubernetesPodNameLabel = 'io.kubernetes.pod.name';
export const KubernetesPodNamespaceLabel = 'io.kubernetes.pod.namespace';
export const KubernetesPodUIDLabel = 'io.kubernetes.pod.uid';
export const KubernetesContainerNameLabel = 'io.kubernetes.container.name';

export const ContainerHashAnnotation = 'io.kubernetes.container.hash';
export const ContainerRestartCountAnnotation = 'io.kubernetes.container.restartCount';
export const ContainerTerminationMessagePathAnnotation = 'io.kubernetes.container.terminationMessagePath';
export const PodTerminationGracePeriodAnnotation = 'io.kubernetes.pod.terminationGracePeriod';
/** Marks init containers, so a relist tells them from app containers ("init" or "regular"). */
export const ContainerTypeAnnotation = 'io.skiff.container.type';

// Static pods (pkg/kubelet/types/pod_update.go).
export const ConfigSourceAnnotationKey = 'kubernetes.io/config.source';
export const ConfigMirrorAnnotationKey = 'kubernetes.io/config.mirror';
export const ConfigHashAnnotationKey = 'kubernetes.io/config.hash';
export const ConfigSeenAnnotationKey = 'kubernetes.io/config.seen';
