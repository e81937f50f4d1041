// The nats-server harness every integration test uses: one server or a routed cluster on free
// loopback ports. The launchers live in @skiff/bus (skiff up uses them too).
export {
  freePort,
  startNatsCluster,
  startNatsServer,
  type NatsCluster,
  type NatsClusterOptions,
  type NatsServerOptions,
  type NatsServerProcess,
} from '@skiff/bus';
