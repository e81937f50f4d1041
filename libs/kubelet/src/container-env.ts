// A container's environment (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): envFrom
// first, then env in order (values expanded against what came before and the service
// variables; valueFrom resolved from the downward API, ConfigMaps and Secrets), then the service
// variables nobody overrode. A missing ConfigMap, Secret or key that is not optional is a
// CreateContainerConfigError, as in Kubernetes.
import type { ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret } from '@skiff/api';
import { podFieldValue, resourceFieldValue, type NodeAllocatable, type PodRuntimeFields } from './downward-api.js';
import { expand, mappingFor } from './env-expansion.js';
import type { EnvVarValue } from './service-env.js';

/** Reads of API objects the kubelet needs (served from informers by the kubelet service). */
export interface ObjectLookup {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** persistentVolumeClaim volumes; a kubelet without them fails such pods with a clear error. */
  persistentVolumeClaim?(namespace: string, name: string): PersistentVolumeClaim | undefined;
  persistentVolume?(name: string): PersistentVolume | undefined;
}

/** The container cannot be configured: reason CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
  readonly reason = 'CreateContainerConfigError';
}

const envVarName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function decodeSecretValue(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}

function configMapData(cm: ConfigMap): Record<string, string> {
  const binary = Object.fromEntries(Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
  return { ...binary, ...(cm.data ?? {}) };
}

function secretData(s: Secret): Record<string, string> {
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]));
}

function envFromValues(pod: Pod, container: Container, lookup: ObjectLookup): Map<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const out = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    let data: Record<string, string> | undefined;
    if (source.configMapRef !== undefined) {
      const name = source.configMapRef.name ?? '';
      const cm = lookup.configMap(ns, name);
      if (cm === undefined && source.configMapRef.optional !== true) throw new ContainerConfigError(`configmap "${name}" not found`);
      data = cm === undefined ? {} : configMapData(cm);
    } else if (source.secretRef !== undefined) {
      const name = source.secretRef.name ?? '';
      const s = lookup.secret(ns, name);
      if (s === undefined && source.secretRef.optional !== true) throw new ContainerConfigError(`secret "${name}" not found`);
      data = s === undefined ? {} : secretData(s);
    }
    // Keys that are not valid variable names are skipped (Kubernetes reports them in an event).
    for (const [k, v] of Object.entries(data ?? {})) if (envVarName.test(prefix + k)) out.set(prefix + k, v);
  }
  return out;
}

export interface EnvInput {
  readonly pod: Pod;
  readonly container: Container;
  readonly fields: PodRuntimeFields;
  /** serviceEnvVars() for the pod's namespace. */
  readonly serviceEnv: ReadonlyMap<string, string>;
  readonly lookup: ObjectLookup;
  readonly allocatable?: NodeAllocatable;
}

function keyRefValue(kind: 'ConfigMap' | 'Secret', input: EnvInput, ref: { name?: string; key: string; optional?: boolean }): string | undefined {
  const ns = input.pod.metadata.namespace ?? 'default';
  const name = ref.name ?? '';
  const obj = kind === 'ConfigMap' ? input.lookup.configMap(ns, name) : input.lookup.secret(ns, name);
  if (obj === undefined) {
    if (ref.optional === true) return undefined;
    throw new ContainerConfigError(`${kind === 'ConfigMap' ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const data = kind === 'ConfigMap' ? configMapData(obj as ConfigMap) : secretData(obj as Secret);
  const value = data[ref.key];
  if (value === undefined && ref.optional !== true) throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${name}`);
  return value;
}

function valueOf(envVar: NonNullable<Container['env']>[number], input: EnvInput, vars: Map<string, string>): string | undefined {
  if (envVar.value !== undefined && envVar.value !== '') return expand(envVar.value, mappingFor(vars, input.serviceEnv));
  const from = envVar.valueFrom;
  if (from === undefined) return '';
  try {
    if (from.fieldRef !== undefined) return podFieldValue(from.fieldRef.fieldPath, input.pod, input.fields);
    if (from.resourceFieldRef !== undefined) return resourceFieldValue(from.resourceFieldRef, input.pod, input.container, input.allocatable);
  } catch (e) {
    throw new ContainerConfigError((e as Error).message);
  }
  if (from.configMapKeyRef !== undefined) return keyRefValue('ConfigMap', input, from.configMapKeyRef);
  if (from.secretKeyRef !== undefined) return keyRefValue('Secret', input, from.secretKeyRef);
  return '';
}

/** The environment in its final order. Throws ContainerConfigError. */
export function makeEnvironmentVariables(input: EnvInput): EnvVarValue[] {
  const vars = envFromValues(input.pod, input.container, input.lookup);
  for (const envVar of input.container.env ?? []) {
    const value = valueOf(envVar, input, vars);
    if (value === undefined) continue;
    vars.delete(envVar.name);
    vars.set(envVar.name, value);
  }
  const out: EnvVarValue[] = [...vars].map(([name, value]) => ({ name, value }));
  for (const [name, value] of input.serviceEnv) if (!vars.has(name)) out.push({ name, value });
  return out;
}

/** command and args with $(VAR) expanded against the final environment. */
export function expandCommandAndArgs(container: Container, env: readonly EnvVarValue[]): { command: string[]; args: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  return { command: (container.command ?? []).map((c) => expand(c, mapping)), args: (container.args ?? []).map((a) => expand(a, mapping)) };
}
