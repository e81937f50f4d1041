// The StorageClass every cluster starts with, as kind's clusters ship `standard` backed by a
// local-path provisioner. Binding is Immediate: every Skiff node of a cluster runs on one host
// and sees the same volume folders, so a claim need not wait for its pod's node to be chosen
// (WaitForFirstConsumer exists for node-local disks on distinct machines).
import { IS_DEFAULT_CLASS_ANNOTATION, LOCAL_PATH_PROVISIONER, type KubeObject } from '@skiff/api';

export function defaultStorageClassObject(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { [IS_DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  } as KubeObject;
}
