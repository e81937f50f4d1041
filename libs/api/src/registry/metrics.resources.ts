// metrics.k8s.io: read-only kinds the apiserver answers from the kubelets' stats instead of the
// store (metrics-server's role; its storage only implements get and list).
import type { KubeObject } from '../types.js';
import * as m from '../schema/metrics.schema.js';
import { defineResource } from './define-resource.js';

const metrics = { group: 'metrics.k8s.io', version: 'v1beta1', verbs: ['get', 'list'] } as const;

export const metricsResources = [
  defineResource<KubeObject>({ ...metrics, verbs: [...metrics.verbs], kind: 'NodeMetrics', resource: 'nodes', namespaced: false, schema: m.NodeMetrics }),
  defineResource<KubeObject>({ ...metrics, verbs: [...metrics.verbs], kind: 'PodMetrics', resource: 'pods', namespaced: true, schema: m.PodMetrics }),
];
