// An in-memory stand-in for the REST core (ApiCore), for the front's tests: objects in a map,
// resourceVersions from a counter, merge patches, watches fed by every write, and errors thrown
// as ApiErrors. It records every request it gets.

import type { ApiCore, ApiRequest, ApiResult, WatchEvent } from '../../src/core/types.js';
import { ApiError } from '@skiff/apimachinery';
import { failureStatus } from '../../src/http/status.js';

type Obj = { apiVersion?: string; kind?: string; metadata: Record<string, unknown>; [k: string]: unknown };

interface FakeWatch {
  readonly req: ApiRequest;
  push(event: WatchEvent): void;
  end(): void;
  cancelled: boolean;
}

const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  pods: { kind: 'Pod', apiVersion: 'v1' },
  namespaces: { kind: 'Namespace', apiVersion: 'v1' },
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1' },
};

export class FakeCore implements ApiCore {
  readonly requests: ApiRequest[] = [];
  readonly objects = new Map<string, Obj>();
  readonly watches: FakeWatch[] = [];
  private rv = 100;
  private resolveReady: () => void = () => {};
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  /** The next handle() throws this (a plain Error: an unexpected failure). */
  failNext: Error | undefined;

  constructor(opts: { ready?: boolean } = {}) {
    if (opts.ready !== false) this.resolveReady();
  }

  markReady(): void {
    this.resolveReady();
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.end();
  }

  get openWatches(): number {
    return this.watches.filter((w) => !w.cancelled).length;
  }

  async handle(req: ApiRequest): Promise<ApiResult> {
    this.requests.push(req);
    if (this.failNext !== undefined) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    const type = KINDS[req.resource]!;
    switch (req.verb) {
      case 'get':
        return { kind: 'object', status: 200, object: this.mustGet(req) as never };
      case 'list':
        return {
          kind: 'object',
          status: 200,
          object: { kind: `${type.kind}List`, apiVersion: type.apiVersion, metadata: { resourceVersion: String(this.rv) }, items: this.list(req) } as never,
        };
      case 'create': {
        if (req.subresource !== undefined) return { kind: 'object', status: 201, object: success() as never };
        const body = req.body as Obj;
        const name = String(body.metadata?.['name'] ?? '');
        if (name === 'bad') throw invalid(type.kind, name);
        const key = this.key(req, name);
        if (this.objects.has(key)) throw new ApiError(failureStatus(409, `${req.resource} "${name}" already exists`, { name, kind: req.resource }, 'AlreadyExists'));
        const obj: Obj = { ...type, ...body, metadata: { ...body.metadata, ...(req.namespace ? { namespace: req.namespace } : {}), resourceVersion: String(++this.rv), creationTimestamp: '2026-01-01T00:00:00Z' } };
        this.objects.set(key, obj);
        this.emit('ADDED', obj, req.resource);
        return { kind: 'object', status: 201, object: obj as never };
      }
      case 'update': {
        const old = this.mustGet(req);
        const body = req.body as Obj;
        if (body.metadata?.['resourceVersion'] !== undefined && body.metadata['resourceVersion'] !== old.metadata['resourceVersion']) {
          throw new ApiError(failureStatus(409, `Operation cannot be fulfilled on ${req.resource} "${req.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: req.name!, kind: req.resource }, 'Conflict'));
        }
        return this.replace(req, { ...body, metadata: { ...body.metadata } });
      }
      case 'patch': {
        const old = this.mustGet(req);
        const patch = req.body as Obj;
        return this.replace(req, { ...old, ...patch, metadata: { ...old.metadata, ...(patch.metadata ?? {}) } });
      }
      case 'delete': {
        const obj = this.mustGet(req);
        this.objects.delete(this.key(req, req.name!));
        this.emit('DELETED', obj, req.resource);
        return { kind: 'object', status: 200, object: obj as never };
      }
      case 'deletecollection':
        return { kind: 'object', status: 200, object: success() as never };
      case 'watch':
        return this.watch(req);
    }
  }

  /** Emits an event to the watches of `resource` (as a write would). */
  emit(type: WatchEvent['type'], object: Obj, resource: string): void {
    for (const w of this.watches) if (!w.cancelled && w.req.resource === resource) w.push({ type, object: object as never });
  }

  private replace(req: ApiRequest, next: Obj): ApiResult {
    const obj: Obj = { ...next, metadata: { ...next.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(this.key(req, req.name!), obj);
    this.emit('MODIFIED', obj, req.resource);
    return { kind: 'object', status: 200, object: obj as never };
  }

  private key(req: ApiRequest, name: string): string {
    return `${req.resource}/${req.namespace ?? ''}/${name}`;
  }

  private mustGet(req: ApiRequest): Obj {
    const obj = this.objects.get(this.key(req, req.name!));
    if (obj === undefined) throw new ApiError(failureStatus(404, `${req.resource} "${req.name}" not found`, { name: req.name!, kind: req.resource }, 'NotFound'));
    return obj;
  }

  private list(req: ApiRequest): Obj[] {
    const prefix = req.namespace === undefined ? `${req.resource}/` : `${req.resource}/${req.namespace}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  private watch(req: ApiRequest): ApiResult {
    const queue: WatchEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const w: FakeWatch = {
      req,
      cancelled: false,
      push: (e) => {
        queue.push(e);
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    this.watches.push(w);
    if (req.query.get('resourceVersion') === '1') {
      queue.push({ type: 'ERROR', object: failureStatus(410, 'too old resource version: 1 (100)', undefined, 'Expired') as never });
      ended = true;
    }
    async function* events(): AsyncGenerator<WatchEvent> {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    return {
      kind: 'watch',
      events: events(),
      cancel: () => {
        w.cancelled = true;
        w.end();
      },
    };
  }
}

function success(): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function invalid(kind: string, name: string): ApiError {
  return new ApiError(
    failureStatus(422, `${kind} "${name}" is invalid: spec.containers: Required value`, {
      name,
      kind,
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    }, 'Invalid'),
  );
}
