// pods/attach checks (core/subresources/attach.ts): Kubernetes' AttachLocation messages.
import { describe, expect, it } from 'vitest';
import { isApiError } from '@skiff/apimachinery';
import { attachTarget } from '../../src/core/subresources/attach.js';

const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] } };
const q = (s: string): URLSearchParams => new URLSearchParams(s);
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isApiError(e)) return `${e.status.code} ${e.status.message ?? ''}`;
    throw e;
  }
  return 'no error';
};

describe('pods/attach checks', () => {
  it('reads the target from the query (no command)', () => {
    expect(attachTarget(pod, q('container=b&stdin=true&stdout=1&stderr=false&tty=true'))).toEqual({
      namespace: 'ns', pod: 'p', node: 'n1', container: 'b', stdin: true, stdout: true, stderr: false, tty: true,
    });
  });

  it('takes the only container when none is named', () => {
    expect(attachTarget({ ...pod, spec: { nodeName: 'n1', containers: [{ name: 'solo' }] } }, q('stdout=1')).container).toBe('solo');
  });

  it("answers 400 with Kubernetes' messages", () => {
    expect(messageOf(() => attachTarget(pod, q('stdout=true&container=nope')))).toBe('400 container nope is not valid for pod p');
    expect(messageOf(() => attachTarget(pod, q('stdout=true')))).toBe('400 a container name must be specified for pod p, choose one of: [a b]');
    expect(messageOf(() => attachTarget(pod, q('container=a&tty=true')))).toBe('400 you must specify at least 1 of stdin, stdout, stderr');
    expect(messageOf(() => attachTarget({ ...pod, spec: { ...pod.spec, nodeName: '' } }, q('stdout=1&container=a')))).toBe('400 pod p does not have a host assigned');
  });
});
