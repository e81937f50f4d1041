import { describe, expect, it } from 'vitest';
import { isApiError } from '@skiff/apimachinery';
import { execTarget } from '../../src/core/subresources/exec.js';
import { Channel, errorStatus, exitStatus, frame, negotiateProtocol, offeredProtocols, parseClientFrame, PROTOCOL_V4, PROTOCOL_V5 } from '../../src/http/remote-command.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const withChannel = (channel: number, payload: Uint8Array): Uint8Array => Uint8Array.from([channel, ...payload]);

describe('subprotocol negotiation', () => {
  it('prefers v5 over v4 whatever the order offered', () => {
    expect(negotiateProtocol([PROTOCOL_V4, PROTOCOL_V5])).toBe(PROTOCOL_V5);
    expect(negotiateProtocol(['channel.k8s.io', PROTOCOL_V4])).toBe(PROTOCOL_V4);
  });

  it('accepts none of the older or base64 forms', () => {
    expect(negotiateProtocol(['channel.k8s.io', 'base64.channel.k8s.io', 'v3.channel.k8s.io'])).toBeUndefined();
  });

  it('reads comma-separated and repeated Sec-WebSocket-Protocol headers', () => {
    expect(offeredProtocols('v5.channel.k8s.io, v4.channel.k8s.io')).toEqual([PROTOCOL_V5, PROTOCOL_V4]);
    expect(offeredProtocols(['a', ' b ,c'])).toEqual(['a', 'b', 'c']);
    expect(offeredProtocols(undefined)).toEqual([]);
  });
});

describe('client frames', () => {
  it('stdin is channel 0 with the rest of the message as data', () => {
    expect(parseClientFrame(PROTOCOL_V5, withChannel(0, text('data\n')))).toEqual({ type: 'stdin', data: text('data\n') });
  });

  it('resize is channel 4 with {"Width","Height"}', () => {
    expect(parseClientFrame(PROTOCOL_V4, withChannel(4, text('{"Width":120,"Height":40}')))).toEqual({ type: 'resize', width: 120, height: 40 });
  });

  it('a malformed resize is invalid, not a throw', () => {
    expect(parseClientFrame(PROTOCOL_V5, withChannel(4, text('{"Width":-1,"Height":40}'))).type).toBe('invalid');
    expect(parseClientFrame(PROTOCOL_V5, withChannel(4, text('not json'))).type).toBe('invalid');
    expect(parseClientFrame(PROTOCOL_V5, withChannel(4, text('{"Width":70000,"Height":1}'))).type).toBe('invalid');
  });

  it('v5 closes a channel with [255, channel]; v4 has no such message', () => {
    expect(parseClientFrame(PROTOCOL_V5, bytes(255, 0))).toEqual({ type: 'close', channel: 0 });
    expect(parseClientFrame(PROTOCOL_V4, bytes(255, 0)).type).toBe('invalid');
    expect(parseClientFrame(PROTOCOL_V5, bytes(255)).type).toBe('invalid');
  });

  it('output channels and empty messages are not client data', () => {
    for (const ch of [Channel.stdout, Channel.stderr, Channel.error, 7]) expect(parseClientFrame(PROTOCOL_V5, bytes(ch, 65)).type).toBe('invalid');
    expect(parseClientFrame(PROTOCOL_V5, bytes()).type).toBe('invalid');
  });
});

describe('server frames and status', () => {
  it('prefixes the channel byte', () => {
    expect(frame(Channel.stdout, text('hi'))).toEqual(bytes(1, 104, 105));
    expect(frame(Channel.error, '{}')).toEqual(bytes(3, 123, 125));
  });

  it('exit 0 is a Success Status', () => {
    expect(exitStatus(0, ['echo', 'hi'])).toEqual({ metadata: {}, status: 'Success' });
  });

  it('a non-zero exit is NonZeroExitCode with the code in an ExitCode cause (what client-go turns into the exit code)', () => {
    const s = exitStatus(3, ['sh', '-c', 'exit 3']);
    expect(s.status).toBe('Failure');
    expect(s.reason).toBe('NonZeroExitCode');
    expect(s.details?.causes).toEqual([{ reason: 'ExitCode', message: '3' }]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('a session error is a Failure with the message and no exit code', () => {
    const s = errorStatus('the kubelet went silent');
    expect(s).toMatchObject({ status: 'Failure', message: 'the kubelet went silent' });
    expect(s.details).toBeUndefined();
  });
});

describe('pods/exec checks', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }], initContainers: [{ name: 'init' }] } };
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

  it('reads the target from the query', () => {
    expect(execTarget(pod, q('command=sh&command=-c&command=echo+hi&container=b&stdin=true&stdout=1&tty=false'))).toEqual({
      namespace: 'ns', pod: 'p', node: 'n1', container: 'b', command: ['sh', '-c', 'echo hi'], stdin: true, stdout: true, stderr: false, tty: false,
    });
  });

  it("answers 400 with Kubernetes' messages", () => {
    expect(messageOf(() => execTarget(pod, q('command=ls&stdout=true&container=nope')))).toBe('400 container nope is not valid for pod p');
    expect(messageOf(() => execTarget(pod, q('command=ls&stdout=true')))).toBe('400 a container name must be specified for pod p, choose one of: [a b]');
    expect(messageOf(() => execTarget(pod, q('stdout=true&container=a')))).toBe('400 you must specify at least one command for the container');
    expect(messageOf(() => execTarget(pod, q('command=ls&container=a')))).toBe('400 you must specify at least 1 of stdin, stdout, stderr');
    expect(messageOf(() => execTarget({ ...pod, spec: { ...pod.spec, nodeName: '' } }, q('command=ls&stdout=1&container=a')))).toBe('400 pod p does not have a host assigned');
  });

  it('takes the only container when none is named', () => {
    expect(execTarget({ ...pod, spec: { nodeName: 'n1', containers: [{ name: 'solo' }] } }, q('command=ls&stdout=1')).container).toBe('solo');
  });
});
