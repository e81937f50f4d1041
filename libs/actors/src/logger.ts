// Adapter: structured logs with pino. Every line carries the component (service name) and the
// instance, and an actor's lines also carry its id, so one service's logs can be cut per actor.
// People at a terminal get pino-pretty; everything else (systemd, containers, CI) gets JSON lines.

import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVEL_ENV = 'SKIFF_LOG_LEVEL';
export const DEFAULT_LOG_LEVEL = 'info';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

export class LogLevelError extends Error {
  override readonly name = 'LogLevelError';
  constructor(readonly level: string, readonly source: string) {
    super(`invalid log level ${JSON.stringify(level)} from ${source}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
}

export interface LoggerOptions {
  /** The service (or tool) writing the log: `store`, `scheduler`, `cli`. */
  component: string;
  /** Which replica of the component: a member name, a node name, a hostname. */
  instance: string;
  /** Overrides SKIFF_LOG_LEVEL; `info` when both are absent. */
  level?: LogLevel;
  /** Pretty output; defaults to whether stdout is a TTY. Ignored when `destination` is given. */
  pretty?: boolean;
  /** Where JSON lines go (tests capture them); stdout when absent. */
  destination?: DestinationStream;
  /** Environment to read SKIFF_LOG_LEVEL from; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A pino logger bound to a component and instance, able to hand out per-actor child loggers. */
export type ServiceLogger = Logger & {
  /** A child logger whose lines carry `actorId`. */
  loggerFor(actorId: string): Logger;
};

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** The level to use: the option, else the environment, else `info`. Throws LogLevelError on a typo. */
export function resolveLogLevel(level: string | undefined, env: Readonly<Record<string, string | undefined>>): LogLevel {
  if (level !== undefined) {
    if (!isLogLevel(level)) throw new LogLevelError(level, 'the level option');
    return level;
  }
  const fromEnv = env[LOG_LEVEL_ENV];
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_LOG_LEVEL;
  const normalised = fromEnv.trim().toLowerCase();
  if (!isLogLevel(normalised)) throw new LogLevelError(fromEnv, LOG_LEVEL_ENV);
  return normalised;
}

export function createLogger(opts: LoggerOptions): ServiceLogger {
  const level = resolveLogLevel(opts.level, opts.env ?? process.env);
  const base = { component: opts.component, instance: opts.instance };
  const options = { level, base };
  const usePretty = opts.destination === undefined && (opts.pretty ?? process.stdout.isTTY === true);
  // pino-pretty as an in-process stream (not a worker transport): synchronous, so the last lines
  // before an exit are not lost, and no thread per process.
  const destination = opts.destination ?? (usePretty ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l' }) : undefined);
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  return withLoggerFor(logger);
}

/** A logger that writes nothing, for tests. */
export function silentLogger(component = 'test', instance = 'test'): ServiceLogger {
  return withLoggerFor(pino({ level: 'silent', base: { component, instance } }));
}

function withLoggerFor(logger: Logger): ServiceLogger {
  return Object.assign(logger, { loggerFor: (actorId: string) => logger.child({ actorId }) });
}
