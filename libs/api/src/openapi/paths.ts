// Path items of one resource: collection, item and subresource operations with the operation ids,
// x-kubernetes-action and x-kubernetes-group-version-kind Kubernetes gives them.
import type { TSchema } from '@sinclair/typebox';
import { findByKind } from '../registry/registry.js';
import type { GroupVersionKind, ResourceInfo, SubresourceInfo } from '../types.js';
import { ensureComponent, refTo, type ComponentSink } from './schema.js';

type Operation = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const queryParam = (name: string, description: string, type = 'string'): object => ({
  name,
  in: 'query',
  description,
  schema: { type, uniqueItems: true },
});

const p = {
  dryRun: queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  ),
  force: queryParam('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean'),
  pretty: queryParam('pretty', "If 'true', then the output is pretty printed."),
  gracePeriodSeconds: queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  propagationPolicy: queryParam('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  orphanDependents: queryParam('orphanDependents', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
  list: [
    queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
    queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
    queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
    queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
    queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
    queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
    queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
    queryParam('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
    queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
    queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  ],
};

const pathParam = (name: string, description: string): object => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

function content(schema: object): object {
  return { 'application/json': { schema }, 'application/yaml': { schema }, 'application/vnd.kubernetes.protobuf': { schema } };
}

function respond(codes: number[], schema: object): object {
  const out: Record<string, object> = {};
  const text: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };
  for (const code of codes) out[String(code)] = { description: text[code] ?? 'OK', content: content(schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function body(schema: object): object {
  return { content: { '*/*': { schema } }, required: true };
}

const patchBody = {
  content: Object.fromEntries(
    ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [t, { schema: refTo(`${META}.Patch`) }]),
  ),
  required: true,
};

function groupPart(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
}

function schemaRef(schema: TSchema, sink: ComponentSink): object {
  const id = (schema as TSchema & { $id?: string }).$id ?? '';
  ensureComponent(id, sink);
  return refTo(id);
}

interface OpContext {
  r: ResourceInfo;
  gvk: GroupVersionKind;
  idBase: string;
  schema: object;
}

function op(ctx: OpContext, verb: string, action: string, extra: Operation): Operation {
  return {
    tags: [`${groupPart(ctx.r.group).toLowerCase()}_${ctx.r.version}`],
    description: `${action} ${ctx.gvk.kind}`,
    operationId: `${verb}${ctx.idBase}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: ctx.gvk.group, version: ctx.gvk.version, kind: ctx.gvk.kind },
    ...extra,
  };
}

function readWriteOps(ctx: OpContext, verbs: readonly string[]): Record<string, Operation> {
  const ops: Record<string, Operation> = {};
  if (verbs.includes('get')) ops.get = op(ctx, 'read', 'get', { responses: respond([200], ctx.schema) });
  if (verbs.includes('update')) {
    ops.put = op(ctx, 'replace', 'put', { parameters: [p.dryRun, p.fieldManager, p.fieldValidation], requestBody: body(ctx.schema), responses: respond([200, 201], ctx.schema) });
  }
  if (verbs.includes('patch')) {
    ops.patch = op(ctx, 'patch', 'patch', { parameters: [p.dryRun, p.fieldManager, p.fieldValidation, p.force], requestBody: patchBody, responses: respond([200, 201], ctx.schema) });
  }
  return ops;
}

function subresourceGVK(r: ResourceInfo, sub: SubresourceInfo): GroupVersionKind {
  return { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
}

function subresourcePath(r: ResourceInfo, sub: SubresourceInfo, base: Omit<OpContext, 'gvk' | 'schema'>, sink: ComponentSink): Record<string, Operation> {
  const gvk = subresourceGVK(r, sub);
  const bodyKind = sub.name === 'status' ? r : findByKind(gvk.group, gvk.version, gvk.kind);
  const schema = bodyKind !== undefined ? schemaRef(bodyKind.schema, sink) : { type: 'string' };
  const suffix = sub.name === 'portforward' ? 'Portforward' : sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const ctx: OpContext = { ...base, idBase: `${base.idBase}${suffix}`, gvk, schema };
  if (['exec', 'attach', 'portforward', 'proxy'].includes(sub.name)) {
    const connect = (verb: string): Operation => op(ctx, `connect${verb}`, 'connect', { responses: { '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } } });
    return { get: connect('Get'), post: connect('Post') };
  }
  if (sub.name === 'log') {
    return { get: op(ctx, 'read', 'get', { parameters: ['container', 'follow', 'previous', 'sinceSeconds', 'tailLines', 'timestamps', 'limitBytes'].map((n) => queryParam(n, n)), responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } } }) };
  }
  if (sub.verbs.includes('create') && !sub.verbs.includes('get')) {
    return { post: op(ctx, 'create', 'post', { parameters: [p.dryRun, p.fieldManager, p.fieldValidation], requestBody: body(schema), responses: respond([200, 201, 202], schema) }) };
  }
  return readWriteOps(ctx, sub.verbs);
}

/** All path items of a resource under prefix ("/api/v1" or "/apis/apps/v1"). */
export function pathsFor(r: ResourceInfo, prefix: string, sink: ComponentSink): Record<string, unknown> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const schema = schemaRef(r.schema, sink);
  const gv = `${groupPart(r.group)}${r.version.charAt(0).toUpperCase()}${r.version.slice(1)}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const nsParam = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${r.kind}`);
  const base = { r, idBase: `${gv}${scope}${r.kind}` };
  const ctx: OpContext = { ...base, gvk, schema };
  const paths: Record<string, unknown> = {};
  const listSchemaRef = refTo(`${(r.schema as TSchema & { $id?: string }).$id ?? ''}List`);
  const coll: Record<string, unknown> = { parameters: [...nsParam, p.pretty] };
  if (r.verbs.includes('list')) coll.get = op({ ...ctx, idBase: ctx.idBase }, 'list', 'list', { parameters: p.list, responses: respond([200], listSchemaRef) });
  if (r.verbs.includes('create')) coll.post = op(ctx, 'create', 'post', { parameters: [p.dryRun, p.fieldManager, p.fieldValidation], requestBody: body(schema), responses: respond([200, 201, 202], schema) });
  if (r.verbs.includes('deletecollection')) {
    coll.delete = op({ ...ctx, idBase: `${gv}Collection${scope}${r.kind}` }, 'delete', 'deletecollection', { parameters: [...p.list, p.dryRun, p.gracePeriodSeconds, p.propagationPolicy], requestBody: { content: { '*/*': { schema: refTo('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions') } } }, responses: respond([200], refTo(`${META}.Status`)) });
  }
  paths[collection] = coll;
  if (r.verbs.some((v) => ['get', 'update', 'patch', 'delete'].includes(v))) {
    const item: Record<string, unknown> = { parameters: [nameParam, ...nsParam, p.pretty], ...readWriteOps(ctx, r.verbs) };
    if (r.verbs.includes('delete')) {
      ensureComponent(`${META}.DeleteOptions`, sink);
      item.delete = op(ctx, 'delete', 'delete', { parameters: [p.dryRun, p.gracePeriodSeconds, p.orphanDependents, p.propagationPolicy], requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } } }, responses: respond([200, 202], refTo(`${META}.Status`)) });
    }
    paths[`${collection}/{name}`] = item;
  }
  if (r.namespaced && r.verbs.includes('list')) {
    paths[`${prefix}/${r.resource}`] = { parameters: [p.pretty], get: op({ ...ctx, idBase: `${gv}${r.kind}ForAllNamespaces` }, 'list', 'list', { parameters: p.list, responses: respond([200], listSchemaRef) }) };
  }
  for (const sub of r.subresources) {
    paths[`${collection}/{name}/${sub.name}`] = { parameters: [nameParam, ...nsParam, p.pretty], ...subresourcePath(r, sub, base, sink) };
  }
  ensureComponent(`${META}.Patch`, sink);
  return paths;
}
