// Pure: the Kubernetes remote-command protocol over WebSocket, as kubectl 1.30+ speaks it for exec
// (KEP-4006; k8s.io/apimachinery/pkg/util/remotecommand and client-go tools/remotecommand).
//
// - Subprotocols, by preference: v5.channel.k8s.io (kubectl 1.30+ offers only this one), then
//   v4.channel.k8s.io. The older base64 and v1-v3 forms, and the SPDY/3.1 upgrade, are not served.
// - Every message is binary; its first byte is the channel: 0 stdin, 1 stdout, 2 stderr, 3 error
//   (one metav1.Status in JSON, written once at the end), 4 resize ({"Width":w,"Height":h}).
// - v5 adds channel 255, a control message `[255, channel]` that closes that channel: the client
//   sends `[255, 0]` when its stdin ends.
// - The exit status (channel 3) is Success, or for a non-zero exit a Failure with reason
//   NonZeroExitCode and the code as the message of a cause of type ExitCode: client-go turns that
//   into an exec.CodeExitError, so kubectl exits with the command's code.

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
export const PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4] as const;
export type RemoteCommandProtocol = (typeof PROTOCOLS)[number];

export const Channel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  error: 3,
  resize: 4,
  close: 255,
} as const;

/** The protocol to speak, from the offered Sec-WebSocket-Protocol values (ours decide the order, as Kubernetes' wsstream). */
export function negotiateProtocol(offered: Iterable<string>): RemoteCommandProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return PROTOCOLS.find((p) => set.has(p));
}

/** The values of a Sec-WebSocket-Protocol header (comma-separated, possibly repeated). */
export function offeredProtocols(header: string | readonly string[] | undefined): string[] {
  const values = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  return values.flatMap((v) => v.split(',')).map((p) => p.trim()).filter((p) => p !== '');
}

export type ClientFrame =
  | { readonly type: 'stdin'; readonly data: Uint8Array }
  | { readonly type: 'resize'; readonly width: number; readonly height: number }
  | { readonly type: 'close'; readonly channel: number }
  | { readonly type: 'invalid'; readonly reason: string };

/** Reads one client message. Unknown channels and malformed control data are `invalid`, never a throw. */
export function parseClientFrame(protocol: RemoteCommandProtocol, message: Uint8Array): ClientFrame {
  if (message.length === 0) return { type: 'invalid', reason: 'empty message (no channel byte)' };
  const channel = message[0]!;
  const payload = message.subarray(1);
  switch (channel) {
    case Channel.stdin:
      return { type: 'stdin', data: payload };
    case Channel.resize:
      return parseResize(payload);
    case Channel.close:
      if (protocol !== PROTOCOL_V5) break;
      if (payload.length !== 1) return { type: 'invalid', reason: 'a close message names exactly one channel' };
      return { type: 'close', channel: payload[0]! };
  }
  return { type: 'invalid', reason: `channel ${channel} does not carry client data` };
}

function parseResize(payload: Uint8Array): ClientFrame {
  let size: unknown;
  try {
    size = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return { type: 'invalid', reason: 'resize: not JSON' };
  }
  const { Width: width, Height: height } = (typeof size === 'object' && size !== null ? size : {}) as { Width?: unknown; Height?: unknown };
  // remotecommand.TerminalSize is two uint16s.
  const dim = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
  if (!dim(width) || !dim(height)) return { type: 'invalid', reason: 'resize: Width and Height must be integers 0-65535' };
  return { type: 'resize', width, height };
}

/** One server message: the channel byte, then the data. */
export function frame(channel: number, data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const out = new Uint8Array(bytes.length + 1);
  out[0] = channel;
  out.set(bytes, 1);
  return out;
}

export interface ExitStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes: readonly { readonly reason: string; readonly message: string }[] };
}

/** The channel-3 Status for an exit code (Kubernetes' kubelet remotecommand server, protocol v4+). */
export function exitStatus(exitCode: number, command: readonly string[]): ExitStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The channel-3 Status for a session that failed without an exit code (kubectl prints the message). */
export function errorStatus(message: string): ExitStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}
