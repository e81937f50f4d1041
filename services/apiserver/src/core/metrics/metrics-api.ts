// metrics.k8s.io/v1beta1 in the core: NodeMetrics and PodMetrics, get and list (label and field
// selectors apply to the nodes and pods themselves, as in metrics-server). Nothing is stored: the
// nodes and pods come from the watch cache, the numbers from each Ready node's kubelet through a
// KubeletStatsSource (NATS, with a short cache and a per-kubelet timeout), so one dead kubelet
// costs at most its timeout and only its own objects.
import type { KubeObject, ResourceInfo } from '@skiff/api';
import type { NodeStatsSummary } from '@skiff/kubelet';
import type { CoreContext } from '../context.js';
import { fail } from '../errors.js';
import { getObject, listObjects } from '../read.js';
import { notFound, serviceUnavailable } from '../status.js';
import type { ApiRequest } from '../types.js';
import { findPodStats, isNodeReady, metricsList, nodeMetrics, podMetrics } from './metrics-objects.js';

/** Each named node's latest summary; nodes whose kubelet did not answer are left out. */
export interface KubeletStatsSource {
  summaries(nodeNames: readonly string[]): Promise<ReadonlyMap<string, NodeStatsSummary>>;
}

function coreRequest(req: ApiRequest, resource: 'nodes' | 'pods', verb: 'get' | 'list', extra: { namespace?: string; name?: string } = {}): ApiRequest {
  // Only the selectors carry over: paging and resourceVersion are the metrics request's own.
  const query = new URLSearchParams();
  for (const key of ['labelSelector', 'fieldSelector']) {
    const v = req.query.get(key);
    if (v !== null && verb === 'list') query.set(key, v);
  }
  const { name: _n, namespace: _ns, ...rest } = req;
  return { ...rest, verb, group: '', version: 'v1', resource, query, ...extra };
}

async function readyNodes(ctx: CoreContext, nodes: ResourceInfo, req: ApiRequest): Promise<KubeObject[]> {
  const list = await listObjects(ctx, nodes, coreRequest(req, 'nodes', 'list'));
  return (list['items'] as KubeObject[]).filter(isNodeReady);
}

export async function handleMetrics(ctx: CoreContext, source: KubeletStatsSource | undefined, info: ResourceInfo, req: ApiRequest): Promise<KubeObject> {
  if (source === undefined) fail(serviceUnavailable('the metrics API has no kubelet stats source'));
  const nodes = ctx.registry.find('', 'v1', 'nodes');
  const pods = ctx.registry.find('', 'v1', 'pods');
  if (nodes === undefined || pods === undefined) fail(serviceUnavailable('nodes or pods are not served'));
  const nowIso = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return info.resource === 'nodes' ? nodeMetricsOf(ctx, source, nodes, info, req, nowIso) : podMetricsOf(ctx, source, nodes, pods, info, req, nowIso);
}

async function nodeMetricsOf(ctx: CoreContext, source: KubeletStatsSource, nodes: ResourceInfo, info: ResourceInfo, req: ApiRequest, nowIso: string): Promise<KubeObject> {
  const wanted = req.name === undefined ? await readyNodes(ctx, nodes, req) : [await getObject(ctx, nodes, coreRequest(req, 'nodes', 'get', { name: req.name }))].filter(isNodeReady);
  const summaries = await source.summaries(wanted.map((n) => n.metadata.name as string));
  const items = wanted.flatMap((n) => {
    const s = summaries.get(n.metadata.name as string);
    const m = s === undefined ? undefined : nodeMetrics(n, s, nowIso);
    return m === undefined ? [] : [m as unknown as KubeObject];
  });
  if (req.name === undefined) return metricsList('NodeMetricsList', items);
  return items[0] ?? fail(notFound(info, req.name));
}

async function podMetricsOf(ctx: CoreContext, source: KubeletStatsSource, nodes: ResourceInfo, pods: ResourceInfo, info: ResourceInfo, req: ApiRequest, nowIso: string): Promise<KubeObject> {
  const ns = req.namespace === undefined || req.namespace === '' ? {} : { namespace: req.namespace };
  const candidates =
    req.name === undefined
      ? ((await listObjects(ctx, pods, coreRequest(req, 'pods', 'list', ns)))['items'] as KubeObject[])
      : [await getObject(ctx, pods, coreRequest(req, 'pods', 'get', { ...ns, name: req.name }))];
  const running = candidates.filter((p) => nodeNameOf(p) !== '' && (p['status'] as { phase?: string } | undefined)?.phase === 'Running');
  const ready = new Set((await readyNodes(ctx, nodes, { ...req, query: new URLSearchParams() })).map((n) => n.metadata.name as string));
  const nodeNames = [...new Set(running.map(nodeNameOf))].filter((n) => ready.has(n));
  const summaries = await source.summaries(nodeNames);
  const items = running.flatMap((p) => {
    const stats = findPodStats(summaries.get(nodeNameOf(p)), p.metadata.uid as string);
    const m = stats === undefined ? undefined : podMetrics(p, stats, nowIso);
    return m === undefined ? [] : [m as unknown as KubeObject];
  });
  if (req.name === undefined) return metricsList('PodMetricsList', items);
  return items[0] ?? fail(notFound(info, req.name));
}

function nodeNameOf(pod: KubeObject): string {
  return (pod['spec'] as { nodeName?: string } | undefined)?.nodeName ?? '';
}
