import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Background work that repeats: each run starts `intervalMs` after the previous one ended, so two
 * never overlap, and a failed run is logged and tried again at the next turn. It runs in the
 * server only (the command-line tool boots the modules without HTTP), and `stop()` waits for the
 * run in flight.
 */
export class RepeatingTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  /** `failure` starts the warning a failed run logs ("Expiry scan failed: …"). */
  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly failure: string,
  ) {}

  /** Starts the first run after `delayMs` when the app serves HTTP; else does nothing. */
  startInServer(adapterHost: HttpAdapterHost, delayMs = 0): void {
    if (adapterHost.httpAdapter) {
      this.schedule(delayMs);
    }
  }

  /** True once stop() was called: a long run checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.running = this.run()
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn(`${this.failure}: ${String(error)}`),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
  }
}

/**
 * A provider whose work is a RepeatingTask run every `intervalMs`: it starts once the app has
 * booted (in the server only) and stops with the app, after the run in flight. A subclass says
 * what one run does; its logger is named after the subclass.
 */
export abstract class RepeatingTaskProvider implements OnApplicationBootstrap, OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly task: RepeatingTask;

  /** `failure` starts the warning a failed run logs. */
  protected constructor(
    private readonly adapterHost: HttpAdapterHost,
    intervalMs: number,
    failure: string,
  ) {
    this.task = new RepeatingTask(() => this.runOnce(), intervalMs, this.logger, failure);
  }

  protected abstract runOnce(): Promise<unknown>;

  /** True once the app shuts down: a long run checks it to end early. */
  protected get stopping(): boolean {
    return this.task.stopping;
  }

  onApplicationBootstrap(): void {
    this.task.startInServer(this.adapterHost);
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
