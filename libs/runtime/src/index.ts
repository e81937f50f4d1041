// @skiff/runtime: container runtimes behind the kubelet's CRI-shaped port (ContainerRuntime in
// @skiff/kubelet): `process` (containers are host processes; the default) and `hollow`
// (simulated, for many nodes in one process), plus the host adapters the kubelet needs: network
// probers, volumes on disk, CRI log files.
export { ProcessRuntime, type ProcessRuntimeOptions, type ImageEntrypoint } from './process-runtime.js';
export { HollowRuntime, type HollowRuntimeOptions, type HollowBehavior, type LatencyRange } from './hollow-runtime.js';
export { PodIPAllocator, PodIPRangeError, parseLoopbackCIDR } from './pod-ip.js';
export { encodeLogLine, formatForKubectl, formatRfc3339Nano, LogFormatError, MAX_LOG_LINE_BYTES, parseLogLine, parseRfc3339Ms, tailRecords } from './cri-log.js';
export { readLogFile } from './log-reader.js';
export { ContainerLogWriter, LineSplitter, wallClockNs, type NanoClock } from './log-writer.js';
export { execProcess, type ExecRequest } from './process-exec.js';
export { startExecSession, type ExecSessionRequest } from './process-exec-session.js';
export { ContainerStdio, HELD_OUTPUT_MAX_BYTES, SESSION_BUFFER_MAX_BYTES, type ContainerStdioOptions } from './container-stdio.js';
export { exitCodeOf, groupAlive, groupMembers, signalGroup } from './process-group.js';
export { hostProbers, httpProbe, tcpProbe } from './probers.js';
export { HostVolumes } from './host-volumes.js';
export { HostStatsProvider } from './host-stats.js';
export { HollowStatsProvider, hollowUsage, annotatedLoad, HOLLOW_CPU_LOAD_ANNOTATION, DEFAULT_HOLLOW_LOAD, type HollowLoad, type HollowLoadFn, type HollowStatsOptions } from './hollow-stats.js';
export { nodeCpuTicks, parseProcStat, processCpuTicks, type ProcStat } from './proc-stat.js';
export type { HostStatsOptions } from './host-stats.js';
