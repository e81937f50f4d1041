import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, LogLevelError, resolveLogLevel, silentLogger } from '../src/index.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes JSON lines carrying component and instance, and actorId on actor loggers', () => {
    const out = capture();
    const logger = createLogger({ component: 'scheduler', instance: 'sched-1', destination: out.stream, env: {} });
    logger.info({ pod: 'default/web' }, 'queued');
    logger.loggerFor('pod-worker-7').warn('backing off');
    const [first, second] = out.lines();
    expect(first).toMatchObject({ component: 'scheduler', instance: 'sched-1', pod: 'default/web', msg: 'queued', level: 30 });
    expect(first).not.toHaveProperty('actorId');
    expect(second).toMatchObject({ component: 'scheduler', instance: 'sched-1', actorId: 'pod-worker-7', msg: 'backing off', level: 40 });
  });

  it('takes its level from the option, else SKIFF_LOG_LEVEL, else info', () => {
    const out = capture();
    const logger = createLogger({ component: 'c', instance: 'i', destination: out.stream, env: { SKIFF_LOG_LEVEL: 'warn' } });
    logger.info('dropped');
    logger.error('kept');
    expect(out.lines().map((l) => l['msg'])).toEqual(['kept']);
    expect(createLogger({ component: 'c', instance: 'i', level: 'debug', destination: out.stream, env: { SKIFF_LOG_LEVEL: 'warn' } }).level).toBe('debug');
    expect(resolveLogLevel(undefined, {})).toBe('info');
    expect(resolveLogLevel(undefined, { SKIFF_LOG_LEVEL: ' DEBUG ' })).toBe('debug');
  });

  it('rejects an unknown level with a typed error naming its source', () => {
    expect(() => resolveLogLevel(undefined, { SKIFF_LOG_LEVEL: 'verbose' })).toThrow(LogLevelError);
    expect(() => resolveLogLevel(undefined, { SKIFF_LOG_LEVEL: 'verbose' })).toThrow(/SKIFF_LOG_LEVEL/);
  });

  it('has a silent variant that still hands out actor loggers', () => {
    const logger = silentLogger();
    expect(logger.level).toBe('silent');
    expect(logger.loggerFor('a').bindings()).toMatchObject({ actorId: 'a' });
  });
});
