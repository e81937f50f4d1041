// The Kubernetes API over NATS (DESIGN.md §3) is defined once, in @skiff/client, beside the client
// that speaks it; the server serves exactly those shapes.
export {
  DEFAULT_HEARTBEAT_MS,
  HEARTBEAT_MAX_MS,
  HEARTBEAT_MIN_MS,
  isApiBusRequest,
  isApiWatchRequest,
  toSearchParams,
  type ApiBusRequest,
  type ApiObjectReply,
  type ApiWatchEventMessage,
  type ApiWatchHeartbeat,
  type ApiWatchOpened,
  type ApiWatchRequest,
  type QueryValue,
} from '@skiff/client';
