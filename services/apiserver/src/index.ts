// @skiff/apiserver: the Kubernetes API server. The REST core (src/core) answers requests; the
// HTTP(S) front, discovery, OpenAPI and the API over NATS (this package's other folders) carry them.

export { startApiServer, DEFAULT_BIND, DEFAULT_PORT, type ApiServer, type ApiServerOptions, type ApiServerNatsOptions } from './server.js';
export { startClusterApiServer, KUBECONFIG_FILE, DEFAULT_SERVICE_CLUSTER_IP_RANGE, type ClusterApiServer, type ClusterApiServerOptions } from './start.js';
export { renderKubeconfig, writeKubeconfig, contextName, type KubeconfigFacts } from './kubeconfig.js';
export { waitForReadyz, NotReadyError, type ReadyzProbeOptions } from './readyz-probe.js';
export { ensurePki, PkiError, type Pki } from './tls/pki.js';
export { apiRegistry, decodeProtobufBody } from './defaults.js';
export type { Registry, ResourceMeta } from './http/registry.js';
export * from './nats/api-protocol.js';
export { COMPONENT_USER, toApiRequest } from './nats/api-endpoints.js';
export { versionInfo } from './version.js';
export { createApiCore, MemoryStorage, type ApiCore, type ApiCoreOptions } from './core/index.js';
