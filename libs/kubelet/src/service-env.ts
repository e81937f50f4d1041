// Service environment variables (pkg/kubelet/envvars/envvars.go FromServices, kubelet_pods.go
// getServiceEnvVarMap): for each service with a cluster IP, <NAME>_SERVICE_HOST, _SERVICE_PORT,
// _SERVICE_PORT_<PORTNAME>, and the Docker-link style <NAME>_PORT, <NAME>_PORT_<port>_<PROTO>
// [_PROTO|_PORT|_ADDR]. NAME is the service name upper-cased with dashes turned into underscores.
import type { Service } from '@skiff/api';

export interface EnvVarValue {
  readonly name: string;
  readonly value: string;
}

/** Services whose env vars every pod gets, from the default namespace (masterServices). */
const masterServices = new Set(['kubernetes']);

export function makeEnvVariableName(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function linkVariables(service: Service, prefix: string): EnvVarValue[] {
  const ip = service.spec?.clusterIP ?? '';
  const out: EnvVarValue[] = [];
  (service.spec?.ports ?? []).forEach((sp, i) => {
    const protocol = sp.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${joinHostPort(ip, sp.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
    out.push(
      { name: portPrefix, value: url },
      { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
      { name: `${portPrefix}_PORT`, value: String(sp.port) },
      { name: `${portPrefix}_ADDR`, value: ip },
    );
  });
  return out;
}

export interface ServiceEnvOptions {
  /** Also the Docker-link style variables (Kubernetes always adds them). Default true. */
  readonly dockerLinks?: boolean;
}

/** FromServices: the variables of each service, in the order given. */
export function fromServices(services: readonly Service[], options: ServiceEnvOptions = {}): EnvVarValue[] {
  const out: EnvVarValue[] = [];
  for (const service of services) {
    const ports = service.spec?.ports ?? [];
    if (!isServiceIPSet(service) || ports.length === 0) continue;
    const prefix = makeEnvVariableName(service.metadata.name ?? '');
    out.push({ name: `${prefix}_SERVICE_HOST`, value: service.spec?.clusterIP ?? '' });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const sp of ports) if (sp.name !== undefined && sp.name !== '') out.push({ name: `${prefix}_SERVICE_PORT_${makeEnvVariableName(sp.name)}`, value: String(sp.port) });
    if (options.dockerLinks !== false) out.push(...linkVariables(service, prefix));
  }
  return out;
}

/**
 * getServiceEnvVarMap: the pod's namespace's services when enableServiceLinks (default true), and
 * `kubernetes` from the default namespace always (a same-named service in the pod's namespace
 * wins). Sorted by service name, so the order is stable.
 */
export function serviceEnvVars(services: readonly Service[], namespace: string, enableServiceLinks = true, options: ServiceEnvOptions = {}): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!isServiceIPSet(s)) continue;
    const name = s.metadata.name ?? '';
    const ns = s.metadata.namespace ?? 'default';
    if (ns === 'default' && masterServices.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (ns === namespace && enableServiceLinks) chosen.set(name, s);
  }
  const ordered = [...chosen.keys()].sort().map((k) => chosen.get(k)!);
  return new Map(fromServices(ordered, options).map((e) => [e.name, e.value]));
}
