// Adapter: the `socket` actor of a listener machine, backed by a forwarder. It turns the machine's
// commands into forwarder calls and the forwarder's outcomes into machine events; stopping it (the
// machine leaving `active`) destroys the forwarder.

import { fromCallback } from 'xstate';
import type { Listener } from './listener.js';
import type { ListenerEvent, SocketCommand, SocketInput } from './listener.machine.js';
import type { OpenError } from './listener-policy.js';
import { ListenError } from './tcp-forwarder.js';

/** What a listener needs from its transport (TcpForwarder, UdpForwarder). */
export interface SocketForwarder {
  listen(): Promise<void>;
  update(listener: Listener): void;
  drain(): Promise<void>;
  destroy(): void;
}

export function forwarderSocket(forwarder: SocketForwarder) {
  return fromCallback<SocketCommand, SocketInput>(({ receive, sendBack }) => {
    let stopped = false;
    const send = (event: ListenerEvent) => {
      if (!stopped) sendBack(event);
    };
    receive((command) => {
      switch (command.type) {
        case 'listen':
          forwarder.listen().then(
            () => send({ type: 'opened' }),
            (err: unknown) => send({ type: 'openFailed', error: openErrorOf(err) }),
          );
          break;
        case 'update':
          forwarder.update(command.listener);
          break;
        case 'drain':
          void forwarder.drain().then(() => send({ type: 'drained' }));
          break;
      }
    });
    return () => {
      stopped = true;
      forwarder.destroy();
    };
  });
}

function openErrorOf(err: unknown): OpenError {
  if (err instanceof ListenError) return err.toOpenError();
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
