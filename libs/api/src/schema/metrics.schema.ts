// metrics.k8s.io/v1beta1 (k8s.io/metrics/pkg/apis/metrics/v1beta1/types.go): the resource usage
// metrics-server serves and `kubectl top` and the HPA read. Read-only: never stored.
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { define, doc, ResourceList, Str, Time } from './helpers.js';
import { metadataField, typeMetaFields } from './meta.schema.js';

const M = 'io.k8s.metrics.pkg.apis.metrics.v1beta1';

const kind = <P extends TProperties>(id: string, description: string, fields: P) =>
  define(id, Type.Object({ ...typeMetaFields, metadata: metadataField, ...fields }, { description }));

const usage = doc(ResourceList, 'The memory and CPU usage.');
const timestamp = doc(Time, 'The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].');
const window = Str('Window of the usage rate, a duration (e.g. "10s").');

export const ContainerMetrics = define(`${M}.ContainerMetrics`, Type.Object({ name: Str('Container name corresponding to the one from pod.spec.containers.'), usage }, { description: 'ContainerMetrics sets resource usage metrics of a container.' }));

export const NodeMetrics = kind(`${M}.NodeMetrics`, 'NodeMetrics sets resource usage metrics of a node.', { timestamp, window, usage });
export type NodeMetrics = Static<typeof NodeMetrics>;

export const PodMetrics = kind(`${M}.PodMetrics`, 'PodMetrics sets resource usage metrics of a pod.', {
  timestamp,
  window,
  containers: doc(Type.Array(ContainerMetrics), 'Metrics for all containers are collected within the same time window.'),
});
export type PodMetrics = Static<typeof PodMetrics>;
