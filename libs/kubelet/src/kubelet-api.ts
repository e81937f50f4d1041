// The kubelet's own API (pkg/kubelet/server/server.go): routing of a request line to what it asks
// for, and the JSON the answers carry. Pure: the HTTP server and the NATS endpoints call these.
//
//   GET    /healthz                                   "ok"
//   GET    /pods                                      PodList of the pods this kubelet runs
//   POST   /pods, PUT /pods                           a Pod manifest (JSON or YAML) run as a static pod
//   DELETE /pods/<namespace>/<name>                   stop a pod given that way (name as /pods shows it)
//   GET    /containerLogs/<ns>/<pod>/<container>      ?tailLines ?sinceSeconds ?sinceTime ?timestamps ?previous ?follow
//   GET    /stats/summary                             the Summary API (k8s.io/kubelet/pkg/apis/stats/v1alpha1)
//   POST   /run/<ns>/<pod>/<container>?cmd=...        runs cmd (split on spaces, as the kubelet does) by ExecSync
//
// Bad requests are a KubeletApiError carrying the HTTP code, never a throw of anything else.
import type { Pod, PodStatus } from '@skiff/api';
import type { NodeStatsSummary } from './eviction.js';
import { kubeTime } from './time.js';

export class KubeletApiError extends Error {
  override readonly name = 'KubeletApiError';
  constructor(
    readonly code: 400 | 404 | 405 | 409 | 413 | 500 | 503,
    message: string,
  ) {
    super(message);
  }
}

export interface ContainerLogsQuery {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly tailLines?: number;
  readonly sinceTimeMs?: number;
  readonly timestamps: boolean;
  readonly previous: boolean;
  readonly follow: boolean;
}

export type KubeletApiRequest =
  | { readonly type: 'healthz' }
  | { readonly type: 'pods' }
  | { readonly type: 'putPod' }
  | { readonly type: 'deletePod'; readonly namespace: string; readonly name: string }
  | ({ readonly type: 'containerLogs' } & ContainerLogsQuery)
  | { readonly type: 'statsSummary' }
  | { readonly type: 'run'; readonly namespace: string; readonly pod: string; readonly container: string; readonly cmd: readonly string[] };

function segments(path: string): string[] {
  try {
    return path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw new KubeletApiError(400, `malformed path ${JSON.stringify(path)}`);
  }
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^\d+$/.test(v)) throw new KubeletApiError(400, `${name}: must be a non-negative integer`);
  return Number(v);
}

/** Go's strconv.ParseBool, which the kubelet uses for its flags in the query. */
function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new KubeletApiError(400, `${name}: want true or false`);
}

function logsQuery(parts: readonly string[], query: URLSearchParams, nowMs: number): ContainerLogsQuery {
  const [namespace, pod, container] = parts;
  if (parts.length !== 3 || namespace === undefined || pod === undefined || container === undefined) throw new KubeletApiError(400, 'want /containerLogs/<namespace>/<pod>/<container>');
  const sinceSeconds = nonNegativeInt(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime');
  const sinceTimeMs = sinceSeconds !== undefined ? nowMs - sinceSeconds * 1000 : sinceTime !== null ? Date.parse(sinceTime) : undefined;
  if (sinceTimeMs !== undefined && Number.isNaN(sinceTimeMs)) throw new KubeletApiError(400, 'sinceTime: must be an RFC 3339 time');
  const tailLines = nonNegativeInt(query, 'tailLines');
  return {
    namespace,
    pod,
    container,
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceTimeMs !== undefined ? { sinceTimeMs } : {}),
    timestamps: flag(query, 'timestamps'),
    previous: flag(query, 'previous'),
    follow: flag(query, 'follow'),
  };
}

function runRequest(parts: readonly string[], query: URLSearchParams): KubeletApiRequest {
  // /run/<ns>/<pod>/<container> and /run/<ns>/<pod>/<uid>/<container> (the UID is not checked here).
  const [namespace, pod] = parts;
  const container = parts[parts.length - 1];
  if ((parts.length !== 3 && parts.length !== 4) || namespace === undefined || pod === undefined || container === undefined) throw new KubeletApiError(400, 'want /run/<namespace>/<pod>/<container>?cmd=...');
  const cmd = (query.get('cmd') ?? '').split(' ').filter((s) => s !== '');
  if (cmd.length === 0) throw new KubeletApiError(400, 'cmd: Required value');
  return { type: 'run', namespace, pod, container, cmd };
}

function allow(method: string, allowed: readonly string[], path: string): void {
  if (!allowed.includes(method)) throw new KubeletApiError(405, `${method} is not allowed on ${path}`);
}

/** What a request asks for. Throws KubeletApiError (404 for an unknown path). */
export function routeKubeletRequest(method: string, url: string, nowMs: number): KubeletApiRequest {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const [head, ...rest] = segments(path);
  if (head === 'healthz' && rest.length === 0) {
    allow(method, ['GET', 'HEAD'], path);
    return { type: 'healthz' };
  }
  if (head === 'pods' && rest.length === 0) {
    allow(method, ['GET', 'POST', 'PUT'], path);
    return { type: method === 'GET' ? 'pods' : 'putPod' };
  }
  if (head === 'pods' && rest.length === 2) {
    allow(method, ['DELETE'], path);
    return { type: 'deletePod', namespace: rest[0]!, name: rest[1]! };
  }
  if (head === 'containerLogs') {
    allow(method, ['GET'], path);
    return { type: 'containerLogs', ...logsQuery(rest, query, nowMs) };
  }
  if (head === 'stats' && rest.length === 1 && rest[0] === 'summary') {
    allow(method, ['GET'], path);
    return { type: 'statsSummary' };
  }
  if (head === 'run') {
    allow(method, ['POST'], path);
    return runRequest(rest, query);
  }
  throw new KubeletApiError(404, `no such path ${JSON.stringify(path)}`);
}

/** GET /pods: the pods this kubelet runs, each with its latest status from its pod worker. */
export function kubeletPodList(pods: readonly Pod[], statusOf: (pod: Pod) => PodStatus | undefined): { readonly kind: 'PodList'; readonly apiVersion: 'v1'; readonly metadata: Record<string, never>; readonly items: Pod[] } {
  const items = pods.map((p) => {
    const status = statusOf(p) ?? p.status;
    return { ...p, ...(status !== undefined ? { status } : {}) };
  });
  return { kind: 'PodList', apiVersion: 'v1', metadata: {}, items };
}

// ---- the Summary API (stats/v1alpha1 types.go); field names are Kubernetes' JSON names ----

type Json = Readonly<Record<string, unknown>>;

export interface SummaryInput {
  readonly nodeName: string;
  readonly nodeStartTimeMs: number;
  readonly nowMs: number;
  readonly stats: NodeStatsSummary;
  readonly pods: readonly Pod[];
}

/**
 * CPU and memory in the Summary API's own shape, when the stats provider reports them
 * ({usageNanoCores, usageCoreNanoSeconds}, {workingSetBytes, usageBytes, ...}), are passed on as
 * they come; read by name so a provider that has more than eviction needs is shown whole.
 */
function fieldOf(o: object, name: 'cpu' | 'memory'): Json | undefined {
  const v = (o as Readonly<Record<string, unknown>>)[name];
  return typeof v === 'object' && v !== null ? (v as Json) : undefined;
}

function withTime(time: string, o: Json | undefined): Json | undefined {
  return o === undefined ? undefined : { time, ...o };
}

function defined(o: Record<string, unknown>): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function nodeSummary(input: SummaryInput, time: string): Json {
  const { memory, fs, rlimit } = input.stats.node;
  return defined({
    nodeName: input.nodeName,
    startTime: kubeTime(input.nodeStartTimeMs),
    cpu: withTime(time, fieldOf(input.stats.node, 'cpu')),
    memory: memory === undefined ? undefined : { time, availableBytes: memory.availableBytes, workingSetBytes: memory.workingSetBytes, usageBytes: memory.workingSetBytes },
    fs:
      fs === undefined
        ? undefined
        : defined({ time, availableBytes: fs.availableBytes, capacityBytes: fs.capacityBytes, usedBytes: fs.capacityBytes - fs.availableBytes, inodesFree: fs.inodesFree, inodes: fs.inodes, inodesUsed: fs.inodes !== undefined && fs.inodesFree !== undefined ? fs.inodes - fs.inodesFree : undefined }),
    rlimit: rlimit === undefined ? undefined : { time, maxpid: rlimit.maxPID, curproc: rlimit.numOfRunningProcesses },
  });
}

function podSummary(pod: Pod, input: SummaryInput, time: string): Json {
  const uid = pod.metadata.uid ?? '';
  const stats = input.stats.pods.find((s) => s.uid === uid);
  const startTime = pod.status?.startTime;
  const containers = (pod.spec?.containers ?? []).map((c) => {
    const cs = stats?.containers?.find((x) => x.name === c.name);
    const started = pod.status?.containerStatuses?.find((x) => x.name === c.name)?.state?.running?.startedAt;
    return defined({
      name: c.name,
      startTime: started,
      cpu: cs === undefined ? undefined : withTime(time, fieldOf(cs, 'cpu')),
      memory: cs === undefined ? undefined : (withTime(time, fieldOf(cs, 'memory')) ?? { time, workingSetBytes: cs.memoryWorkingSetBytes }),
    });
  });
  return defined({
    podRef: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid },
    startTime,
    containers,
    cpu: stats === undefined ? undefined : withTime(time, fieldOf(stats, 'cpu')),
    memory: stats === undefined ? undefined : (withTime(time, fieldOf(stats, 'memory')) ?? { time, workingSetBytes: stats.memoryWorkingSetBytes }),
    'ephemeral-storage': stats === undefined ? undefined : { time, usedBytes: stats.ephemeralStorageBytes },
    process_stats: stats === undefined ? undefined : { process_count: stats.processCount },
  });
}

/** GET /stats/summary: the node's numbers and one entry per pod this kubelet runs. */
export function statsSummary(input: SummaryInput): { readonly node: Json; readonly pods: Json[] } {
  const time = kubeTime(input.nowMs);
  return { node: nodeSummary(input, time), pods: input.pods.map((p) => podSummary(p, input, time)) };
}
