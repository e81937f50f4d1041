// Small object builders for the tests.
import { findResource, type KubeObject, type ResourceInfo } from '../src/index.js';

export function info(group: string, version: string, resource: string): ResourceInfo {
  const r = findResource(group, version, resource);
  if (r === undefined) throw new Error(`no resource ${group}/${version}/${resource}`);
  return r;
}

export const pods = info('', 'v1', 'pods');
export const services = info('', 'v1', 'services');
export const deployments = info('apps', 'v1', 'deployments');

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

export function deployment(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

export function service(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

/** Defaults then validates, as the apiserver does; returns `field: message` lines. */
export function createErrors(r: ResourceInfo, obj: KubeObject): string[] {
  r.defaults(obj);
  return r.validate(obj).map((e) => `${e.field}: ${e.message}`);
}

export function updateErrors(r: ResourceInfo, obj: KubeObject, old: KubeObject): string[] {
  r.defaults(obj);
  r.prepareForUpdate(obj, old);
  return r.validate(obj, old).map((e) => `${e.field}: ${e.message}`);
}

export const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
