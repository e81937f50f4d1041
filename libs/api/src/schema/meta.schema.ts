// meta/v1 types shared by every kind.
import { Type, type Static } from '@sinclair/typebox';
import { Bool, define, doc, Int64, mergeList, Opt, RawJSON, setList, Str, StringList, StringMap, Time } from './helpers.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const OwnerReference = define(
  `${META}.OwnerReference`,
  Type.Object(
    {
      apiVersion: Str('API version of the referent.'),
      kind: Str('Kind of the referent.'),
      name: Str('Name of the referent.'),
      uid: Str('UID of the referent.'),
      controller: Opt(Bool('If true, this reference points to the managing controller.')),
      blockOwnerDeletion: Opt(Bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.')),
    },
    { description: 'OwnerReference contains enough information to let you identify an owning object.' },
  ),
);

export const ManagedFieldsEntry = define(
  `${META}.ManagedFieldsEntry`,
  Type.Object(
    {
      manager: Opt(Str('Manager is an identifier of the workflow managing these fields.')),
      operation: Opt(Str('Operation is the type of operation which lead to this ManagedFieldsEntry being created: Apply or Update.')),
      apiVersion: Opt(Str()),
      time: Opt(Time),
      fieldsType: Opt(Str()),
      fieldsV1: Opt(RawJSON),
      subresource: Opt(Str()),
    },
    { description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.' },
  ),
);

export const ObjectMeta = define(
  `${META}.ObjectMeta`,
  Type.Object(
    {
      name: Opt(Str('Name must be unique within a namespace. Cannot be updated.')),
      generateName: Opt(Str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.')),
      namespace: Opt(Str('Namespace defines the space within which each name must be unique. Cannot be updated.')),
      selfLink: Opt(Str()),
      uid: Opt(Str('UID is the unique in time and space value for this object. Populated by the system. Read-only.')),
      resourceVersion: Opt(Str('An opaque value that represents the internal version of this object, used for optimistic concurrency. Populated by the system. Read-only.')),
      generation: Opt(Int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.')),
      creationTimestamp: Opt(doc(Time, 'CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.')),
      deletionTimestamp: Opt(doc(Time, 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested. Read-only.')),
      deletionGracePeriodSeconds: Opt(Int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.')),
      labels: Opt(StringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.')),
      annotations: Opt(StringMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.')),
      ownerReferences: Opt(mergeList(OwnerReference, 'uid', 'List of objects depended by this object.')),
      finalizers: Opt(setList(Type.String(), 'Must be empty before the object is deleted from the registry.')),
      managedFields: Opt(Type.Array(ManagedFieldsEntry, { description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' })),
    },
    { description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.' },
  ),
);
export type ObjectMeta = Static<typeof ObjectMeta>;

export const ListMeta = define(
  `${META}.ListMeta`,
  Type.Object(
    {
      resourceVersion: Opt(Str()),
      continue: Opt(Str()),
      remainingItemCount: Opt(Int64()),
      selfLink: Opt(Str()),
    },
    { description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.' },
  ),
);

export const LabelSelectorRequirement = define(
  `${META}.LabelSelectorRequirement`,
  Type.Object(
    {
      key: Str('key is the label key that the selector applies to.'),
      operator: Str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
      values: Opt(StringList('values is an array of string values.')),
    },
    { description: 'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.' },
  ),
);

export const LabelSelector = define(
  `${META}.LabelSelector`,
  Type.Object(
    {
      matchLabels: Opt(StringMap('matchLabels is a map of {key,value} pairs.')),
      matchExpressions: Opt(Type.Array(LabelSelectorRequirement, { description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.' })),
    },
    { description: 'A label selector is a label query over a set of resources.', 'x-kubernetes-map-type': 'atomic' },
  ),
);
export type LabelSelector = Static<typeof LabelSelector>;

export const Condition = define(
  `${META}.Condition`,
  Type.Object(
    {
      type: Str('type of condition in CamelCase or in foo.example.com/CamelCase.'),
      status: Str('status of the condition, one of True, False, Unknown.'),
      observedGeneration: Opt(Int64()),
      lastTransitionTime: Opt(Time),
      reason: Opt(Str()),
      message: Opt(Str()),
    },
    { description: 'Condition contains details for one aspect of the current state of this API Resource.' },
  ),
);

export const StatusCause = define(
  `${META}.StatusCause`,
  Type.Object({ reason: Opt(Str()), message: Opt(Str()), field: Opt(Str()) }),
);

export const Status = define(
  `${META}.Status`,
  Type.Object(
    {
      apiVersion: Opt(Str()),
      kind: Opt(Str()),
      metadata: Opt(ListMeta),
      status: Opt(Str('Status of the operation. One of: "Success" or "Failure".')),
      message: Opt(Str()),
      reason: Opt(Str()),
      details: Opt(
        Type.Object({
          name: Opt(Str()),
          group: Opt(Str()),
          kind: Opt(Str()),
          uid: Opt(Str()),
          causes: Opt(Type.Array(StatusCause)),
          retryAfterSeconds: Opt(Type.Integer()),
        }),
      ),
      code: Opt(Type.Integer()),
    },
    { description: 'Status is a return value for calls that don\'t return other objects.' },
  ),
);

export const Preconditions = define(
  `${META}.Preconditions`,
  Type.Object({ resourceVersion: Opt(Str()), uid: Opt(Str()) }),
);

export const DeleteOptions = define(
  `${META}.DeleteOptions`,
  Type.Object(
    {
      apiVersion: Opt(Str()),
      kind: Opt(Str()),
      dryRun: Opt(StringList()),
      gracePeriodSeconds: Opt(Int64()),
      orphanDependents: Opt(Bool()),
      preconditions: Opt(Preconditions),
      propagationPolicy: Opt(Str('Whether and how garbage collection will be performed: Orphan, Background or Foreground.')),
    },
    { description: 'DeleteOptions may be provided when deleting an API object.' },
  ),
);

export const Patch = define(
  `${META}.Patch`,
  Type.Object({}, { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' }),
);

export const LocalObjectReference = define(
  'io.k8s.api.core.v1.LocalObjectReference',
  Type.Object(
    { name: Opt(Str('Name of the referent.')) },
    { description: 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', 'x-kubernetes-map-type': 'atomic' },
  ),
);

export const ObjectReference = define(
  'io.k8s.api.core.v1.ObjectReference',
  Type.Object(
    {
      kind: Opt(Str('Kind of the referent.')),
      namespace: Opt(Str('Namespace of the referent.')),
      name: Opt(Str('Name of the referent.')),
      uid: Opt(Str('UID of the referent.')),
      apiVersion: Opt(Str('API version of the referent.')),
      resourceVersion: Opt(Str('Specific resourceVersion to which this reference is made, if any.')),
      fieldPath: Opt(Str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].')),
    },
    { description: 'ObjectReference contains enough information to let you inspect or modify the referred object.', 'x-kubernetes-map-type': 'atomic' },
  ),
);
export type ObjectReference = Static<typeof ObjectReference>;

/** apiVersion and kind, with their kubectl explain texts, for every top-level kind. */
export const typeMetaFields = {
  apiVersion: Opt(Str('APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.')),
  kind: Opt(Str('Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.')),
};

export const metadataField = doc(ObjectMeta, "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
