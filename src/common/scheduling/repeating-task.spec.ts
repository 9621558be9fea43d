import { Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RepeatingTask } from './repeating-task';

const server = { httpAdapter: {} } as HttpAdapterHost;
const commandLine = { httpAdapter: undefined } as unknown as HttpAdapterHost;

function logger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return Object.assign(new Logger('test'), {
    warnings,
    warn: (message: string) => void warnings.push(message),
  });
}

describe('RepeatingTask', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('should run at once, then again the interval after each run ends', async () => {
    const runs: number[] = [];
    const task = new RepeatingTask(
      () => Promise.resolve(runs.push(Date.now())),
      1000,
      logger(),
      'failed',
    );
    const start = Date.now();
    task.startInServer(server);
    await jest.advanceTimersByTimeAsync(2500);
    expect(runs.map((at) => at - start)).toEqual([0, 1000, 2000]);
    await task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(3);
  });

  it('should never overlap two runs, and should wait for the run in flight when stopped', async () => {
    let active = 0;
    let most = 0;
    let finished = 0;
    const slow = async () => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      active -= 1;
      finished += 1;
    };
    const task = new RepeatingTask(slow, 100, logger(), 'failed');
    task.startInServer(server);
    await jest.advanceTimersByTimeAsync(7000);
    expect(most).toBe(1);
    expect(active).toBe(1);
    const before = finished;
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    expect(task.stopping).toBe(true);
    // The run in flight has not finished: stop() must not have resolved yet.
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    await jest.advanceTimersByTimeAsync(3000);
    await stopping;
    expect(stopped).toBe(true);
    expect(finished).toBe(before + 1);
  });

  it('should log a failed run and try again at the next turn', async () => {
    const log = logger();
    let calls = 0;
    const task = new RepeatingTask(
      () => (++calls === 1 ? Promise.reject(new Error('database down')) : Promise.resolve()),
      1000,
      log,
      'Scan failed',
    );
    task.startInServer(server);
    await jest.advanceTimersByTimeAsync(1500);
    expect(log.warnings).toEqual(['Scan failed: Error: database down']);
    expect(calls).toBe(2);
    await task.stop();
  });

  it('should not run in the command-line tool, and should start after the delay given', async () => {
    let calls = 0;
    const run = () => Promise.resolve(++calls);
    new RepeatingTask(run, 10, logger(), 'failed').startInServer(commandLine);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toBe(0);
    const later = new RepeatingTask(run, 10, logger(), 'failed');
    later.startInServer(server, 50);
    await jest.advanceTimersByTimeAsync(49);
    expect(calls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    await later.stop();
  });
});
