import { Logger } from '@nestjs/common';
import { AuthConfig } from '../../config/auth.config';
import {
  LAST_USE_BATCH_MAX,
  LAST_USE_FLUSH_MS,
  LAST_USE_TRACKED_MAX,
  LastUseRecorder,
} from './last-use-recorder';
import { LastUse, PrincipalSource } from './principal-source';

const NOW = 1_800_000_000_000;
const INTERVAL_MS = 60_000;

/**
 * A source that keeps the batches it is asked to write, and can be made to fail, or to hold its
 * writes until `release()` (a database that takes its time).
 */
class RecordingSource implements Pick<PrincipalSource, 'recordUses'> {
  readonly batches: LastUse[][] = [];
  failing = false;
  holding = false;
  private held: (() => void)[] = [];

  recordUses(uses: readonly LastUse[]): Promise<void> {
    if (this.failing) {
      return Promise.reject(new Error('database unavailable'));
    }
    this.batches.push([...uses]);
    return this.holding ? new Promise((resolve) => this.held.push(resolve)) : Promise.resolve();
  }

  release(): void {
    this.held.splice(0).forEach((resolve) => resolve());
  }
}

/** Whether a promise has settled, after the microtasks queued so far. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await jest.advanceTimersByTimeAsync(0);
  return done;
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

  it('should finish writing what is pending before the application shuts down', async () => {
    const { source, lastUse } = recorder();
    source.holding = true;
    lastUse.record('t1', '10.0.0.1', NOW);
    const shutdown = lastUse.onApplicationShutdown();
    // The batch has been handed to the database, whose write has not ended: shutdown waits.
    expect(await settled(shutdown)).toBe(false);
    expect(source.batches).toHaveLength(1);
    source.release();
    expect(await settled(shutdown)).toBe(true);
  });

  it('should write one batch at a time, keeping what comes meanwhile for the next, and answer flush when all is written', async () => {
    const { source, lastUse } = recorder();
    source.holding = true;
    lastUse.record('t1', '10.0.0.1', NOW);
    const first = lastUse.flush();
    lastUse.record('t2', '10.0.0.2', NOW);
    lastUse.record('t3', '10.0.0.3', NOW);
    const second = lastUse.flush();
    await jest.advanceTimersByTimeAsync(0);
    expect(source.batches.map((batch) => batch.map((use) => use.tokenId))).toEqual([['t1']]);
    source.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(source.batches.map((batch) => batch.map((use) => use.tokenId))).toEqual([
      ['t1'],
      ['t2', 't3'],
    ]);
    expect(await settled(first)).toBe(false);
    expect(await settled(second)).toBe(false);
    source.release();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
  });

  it('should keep at most LAST_USE_TRACKED_MAX uses waiting while a write is slow, and take a dropped one again on its next use', async () => {
    const { source, lastUse } = recorder();
    source.holding = true;
    lastUse.record('first', '10.0.0.1', NOW);
    void lastUse.flush();
    for (let i = 0; i <= LAST_USE_TRACKED_MAX; i++) {
      lastUse.record(`t${i}`, '10.0.0.1', NOW);
    }
    source.release();
    await jest.advanceTimersByTimeAsync(0);
    source.release();
    await lastUse.flush();
    const written = source.batches.flat().map((use) => use.tokenId);
    expect(written).toHaveLength(1 + LAST_USE_TRACKED_MAX);
    expect(written).not.toContain(`t${LAST_USE_TRACKED_MAX}`);
    source.holding = false;
    lastUse.record(`t${LAST_USE_TRACKED_MAX}`, '10.0.0.1', NOW + 1);
    await lastUse.flush();
    expect(source.batches.at(-1)!.map((use) => use.tokenId)).toEqual([`t${LAST_USE_TRACKED_MAX}`]);
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
