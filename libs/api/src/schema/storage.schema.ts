// Persistent storage kinds: core/v1 PersistentVolume and PersistentVolumeClaim, and
// storage.k8s.io/v1 StorageClass (k8s.io/api core/v1 types.go, storage/v1 types.go).
import { Type, type Static } from '@sinclair/typebox';
import { Bool, define, doc, Enum, Opt, ResourceList, Str, StringList, StringMap, Time } from './helpers.js';
import { LabelSelector, metadataField, ObjectReference, typeMetaFields } from './meta.schema.js';
import { NodeSelector } from './pod.schema.js';

const CORE = 'io.k8s.api.core.v1';
const STORAGE = 'io.k8s.api.storage.v1';

export const accessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;
export const reclaimPolicies = ['Retain', 'Delete', 'Recycle'] as const;
export const volumeBindingModes = ['Immediate', 'WaitForFirstConsumer'] as const;

const AccessModes = Type.Array(Type.String(), { description: 'accessModes contains all ways the volume can be mounted.' });

const PersistentVolumeSpec = define(
  `${CORE}.PersistentVolumeSpec`,
  Type.Object(
    {
      capacity: Opt(doc(ResourceList, "capacity is the description of the persistent volume's resources and capacity.")),
      accessModes: Opt(AccessModes),
      persistentVolumeReclaimPolicy: Opt(Enum(reclaimPolicies, 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated).')),
      storageClassName: Opt(Str('storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass.')),
      volumeMode: Opt(Enum(['Block', 'Filesystem'], 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.')),
      claimRef: Opt(doc(ObjectReference, 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.')),
      mountOptions: Opt(StringList('mountOptions is the list of mount options.')),
      nodeAffinity: Opt(
        define(`${CORE}.VolumeNodeAffinity`, Type.Object({ required: Opt(doc(NodeSelector, 'required specifies hard node constraints that must be met.')) }, { description: 'VolumeNodeAffinity defines constraints that limit what nodes this volume can be accessed from.' })),
      ),
      hostPath: Opt(Type.Object({ path: Str('path of the directory on the host.'), type: Opt(Str('type for HostPath Volume. Defaults to ""')) }, { description: 'hostPath represents a directory on the host.' })),
      local: Opt(define(`${CORE}.LocalVolumeSource`, Type.Object({ path: Str('path of the full path to the volume on the node.'), fsType: Opt(Str()) }, { description: 'Local represents directly-attached storage with node affinity.' }))),
      volumeAttributesClassName: Opt(Str('Name of VolumeAttributesClass to which this persistent volume belongs.')),
    },
    { description: 'PersistentVolumeSpec is the specification of a persistent volume.' },
  ),
);

export const PersistentVolume = define(
  `${CORE}.PersistentVolume`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(PersistentVolumeSpec),
      status: Opt(
        define(
          `${CORE}.PersistentVolumeStatus`,
          Type.Object({
            phase: Opt(Enum(['Pending', 'Available', 'Bound', 'Released', 'Failed'], 'phase indicates if a volume is available, bound to a claim, or released by a claim.')),
            message: Opt(Str()),
            reason: Opt(Str()),
            lastPhaseTransitionTime: Opt(Time),
          }),
        ),
      ),
    },
    { description: 'PersistentVolume (PV) is a storage resource provisioned by an administrator.' },
  ),
);
export type PersistentVolume = Static<typeof PersistentVolume>;

export const PersistentVolumeClaim = define(
  `${CORE}.PersistentVolumeClaim`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      spec: Opt(
        define(
          `${CORE}.PersistentVolumeClaimSpec`,
          Type.Object({
            accessModes: Opt(AccessModes),
            selector: Opt(doc(LabelSelector, 'selector is a label query over volumes to consider for binding.')),
            resources: Opt(define(`${CORE}.VolumeResourceRequirements`, Type.Object({ requests: Opt(ResourceList), limits: Opt(ResourceList) }))),
            volumeName: Opt(Str('volumeName is the binding reference to the PersistentVolume backing this claim.')),
            storageClassName: Opt(Str('storageClassName is the name of the StorageClass required by the claim.')),
            volumeMode: Opt(Enum(['Block', 'Filesystem'], 'volumeMode defines what type of volume is required by the claim.')),
            volumeAttributesClassName: Opt(Str()),
          }),
        ),
      ),
      status: Opt(
        define(
          `${CORE}.PersistentVolumeClaimStatus`,
          Type.Object({
            phase: Opt(Enum(['Pending', 'Bound', 'Lost'], 'phase represents the current phase of PersistentVolumeClaim.')),
            accessModes: Opt(AccessModes),
            capacity: Opt(ResourceList),
          }),
        ),
      ),
    },
    { description: "PersistentVolumeClaim is a user's request for and claim to a persistent volume" },
  ),
);
export type PersistentVolumeClaim = Static<typeof PersistentVolumeClaim>;

export const StorageClass = define(
  `${STORAGE}.StorageClass`,
  Type.Object(
    {
      ...typeMetaFields,
      metadata: metadataField,
      provisioner: Str('provisioner indicates the type of the provisioner.'),
      parameters: Opt(StringMap('parameters holds the parameters for the provisioner that should create volumes of this storage class.')),
      reclaimPolicy: Opt(Enum(reclaimPolicies, 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.')),
      mountOptions: Opt(StringList()),
      allowVolumeExpansion: Opt(Bool('allowVolumeExpansion shows whether the storage class allow volume expand.')),
      volumeBindingMode: Opt(Enum(volumeBindingModes, 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound. When unset, VolumeBindingImmediate is used.')),
      allowedTopologies: Opt(Type.Array(Type.Unknown())),
    },
    { description: 'StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.' },
  ),
);
export type StorageClass = Static<typeof StorageClass>;
