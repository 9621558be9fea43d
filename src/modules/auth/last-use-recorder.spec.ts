import { Logger } from '@nestjs/common';
import { AuthConfig } from '../../config/auth.config';
import { LAST_USE_BATCH_MAX, LAST_USE_FLUSH_MS, LastUseRecorder } from './last-use-recorder';
import { LastUse, PrincipalSource } from './principal-source';

const NOW = 1_800_000_000_000;
const INTERVAL_MS = 60_000;

/** A source that keeps the batches it is asked to write, and can be made to fail. */
class RecordingSource implements Pick<PrincipalSource, 'recordUses'> {
  readonly batches: LastUse[][] = [];
  failing = false;

  recordUses(uses: readonly LastUse[]): Promise<void> {
    if (this.failing) {
      return Promise.reject(new Error('database unavailable'));
    }
    this.batches.push([...uses]);
    return Promise.resolve();
  }
}

function recorder(): { source: RecordingSource; lastUse: LastUseRecorder } {
  const source = new RecordingSource();
  const config = { lastUsedIntervalMs: INTERVAL_MS } as AuthConfig;
  return { source, lastUse: new LastUseRecorder(source as unknown as PrincipalSource, config) };
}

describe('LastUseRecorder', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('should write the uses of many tokens as one batch, each with the time and address of its use', async () => {
    const { source, lastUse } = recorder();
    lastUse.record('t1', '10.0.0.1', NOW);
    lastUse.record('t2', '10.0.0.2', NOW + 10);
    await jest.advanceTimersByTimeAsync(LAST_USE_FLUSH_MS - 1);
    expect(source.batches).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(source.batches).toEqual([
      [
        {
          tokenId: 't1',
          ip: '10.0.0.1',
          at: new Date(NOW),
          unlessAfter: new Date(NOW - INTERVAL_MS),
        },
        {
          tokenId: 't2',
          ip: '10.0.0.2',
          at: new Date(NOW + 10),
          unlessAfter: new Date(NOW + 10 - INTERVAL_MS),
        },
      ],
    ]);
  });

  it('should take a token again only once the interval has passed', async () => {
    const { source, lastUse } = recorder();
    lastUse.record('t1', '10.0.0.1', NOW);
    lastUse.record('t1', '10.0.0.9', NOW + INTERVAL_MS - 1);
    await lastUse.flush();
    lastUse.record('t1', '10.0.0.3', NOW + INTERVAL_MS);
    await lastUse.flush();
    expect(source.batches.map((batch) => batch.map((use) => use.ip))).toEqual([
      ['10.0.0.1'],
      ['10.0.0.3'],
    ]);
  });

  it('should write a full batch at once, without waiting', async () => {
    const { source, lastUse } = recorder();
    for (let i = 0; i < LAST_USE_BATCH_MAX; i++) {
      lastUse.record(`t${i}`, '10.0.0.1', NOW);
    }
    await Promise.resolve();
    expect(source.batches).toHaveLength(1);
    expect(source.batches[0]).toHaveLength(LAST_USE_BATCH_MAX);
  });

  it('should write what is pending before the application shuts down', async () => {
    const { source, lastUse } = recorder();
    lastUse.record('t1', '10.0.0.1', NOW);
    await lastUse.beforeApplicationShutdown();
    expect(source.batches).toHaveLength(1);
  });

  it('should say when a batch could not be written, and still write the next one', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { source, lastUse } = recorder();
    source.failing = true;
    lastUse.record('t1', '10.0.0.1', NOW);
    await expect(lastUse.flush()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      'Could not record the last use of 1 token(s): Error: database unavailable',
    );
    source.failing = false;
    lastUse.record('t2', '10.0.0.2', NOW);
    await lastUse.flush();
    expect(source.batches.map((batch) => batch.map((use) => use.tokenId))).toEqual([['t2']]);
    warn.mockRestore();
  });
});
