import { describe, expect, it } from 'vitest';
import { PatchError, applyJsonPatch, applyMergePatch, mergePatchValue, type JsonObject } from '../src/index.js';

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    return error as PatchError;
  }
  throw new Error('expected a PatchError');
}

describe('JSON merge patch (RFC 7386)', () => {
  const pod: JsonObject = { metadata: { name: 'nginx', labels: { app: 'nginx', tier: 'web' } }, spec: { containers: [{ name: 'a' }] } };

  it('adds, replaces and deletes (kubectl label / annotate)', () => {
    expect(applyMergePatch(pod, { metadata: { labels: { env: 'prod', tier: null } } })).toEqual({
      metadata: { name: 'nginx', labels: { app: 'nginx', env: 'prod' } },
      spec: { containers: [{ name: 'a' }] },
    });
  });

  it('replaces arrays whole and never modifies its inputs', () => {
    const before = JSON.stringify(pod);
    const result = applyMergePatch(pod, { spec: { containers: [{ name: 'b' }] } });
    expect(result.spec).toEqual({ containers: [{ name: 'b' }] });
    expect(JSON.stringify(pod)).toBe(before);
  });

  it('follows the RFC 7386 appendix examples', () => {
    expect(mergePatchValue({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatchValue({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatchValue({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatchValue({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(mergePatchValue({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatchValue({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(mergePatchValue({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatchValue({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatchValue(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(mergePatchValue({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(mergePatchValue({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatchValue([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
    expect(mergePatchValue({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('unsets a field with null (uncordon)', () => {
    expect(applyMergePatch({ spec: { unschedulable: true, podCIDR: 'x' } }, { spec: { unschedulable: null } })).toEqual({ spec: { podCIDR: 'x' } });
  });

  it('a non-object patch is a 400', () => {
    const error = patchError(() => applyMergePatch(pod, ['x']));
    expect(error.code).toBe(400);
    expect(error.status.message).toBe('Invalid JSON Patch');
  });

  it('keys like __proto__ stay plain data', () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(result)).toEqual(['__proto__']);
  });
});

describe('JSON patch (RFC 6902)', () => {
  const deployment: JsonObject = {
    metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '3' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } },
  };

  it('applies the operations kubectl rollout undo sends', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
    const result = applyJsonPatch(deployment, [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
    ]);
    expect(result.spec).toEqual({ replicas: 2, template });
    expect(result.metadata).toEqual({ name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } });
    expect((deployment.spec as JsonObject).template).toEqual({ spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } });
  });

  it('add, remove, move, copy and test', () => {
    const result = applyJsonPatch({ a: [1, 2], b: { c: 'x' } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'remove', path: '/a/0' },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/b', path: '/e' },
      { op: 'test', path: '/d', value: 'x' },
    ]);
    expect(result).toEqual({ a: [2, 3], d: 'x', e: { c: 'x' } });
  });

  it('an operation that cannot apply is a 422 with Kubernetes wording, the cause kept aside', () => {
    const failedTest = patchError(() => applyJsonPatch(deployment, [{ op: 'test', path: '/spec/replicas', value: 5 }]));
    expect(failedTest.code).toBe(422);
    expect(failedTest.status.reason).toBe('Invalid');
    expect(failedTest.status.message).toBe('the server rejected our request due to an error in our request');
    expect(failedTest.detail).toMatch(/Test operation failed/);
    const missing = patchError(() => applyJsonPatch(deployment, [{ op: 'replace', path: '/spec/nope/x', value: 1 }]));
    expect(missing.code).toBe(422);
    const badOp = patchError(() => applyJsonPatch(deployment, [{ op: 'frobnicate', path: '/a' }]));
    expect(badOp.code).toBe(422);
  });

  it('a body that is not a list of operations is a 400', () => {
    const error = patchError(() => applyJsonPatch(deployment, { op: 'add' }));
    expect(error.code).toBe(400);
    expect(error.status.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('more than 10000 operations is a 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'web' }));
    const error = patchError(() => applyJsonPatch(deployment, ops));
    expect(error.code).toBe(413);
    expect(error.status.message).toBe('Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('the result must stay an object', () => {
    expect(patchError(() => applyJsonPatch(deployment, [{ op: 'replace', path: '', value: 3 }])).code).toBe(422);
  });
});
