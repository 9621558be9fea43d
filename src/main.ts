import './config/load-env-file';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { appConfig } from './config/app.config';
import { ConfigValidationError } from './config/environment';
import { withStartupLock } from './database/startup-lock';
import { IssuedToken, ProvisioningService } from './modules/provisioning/provisioning.service';

function printFirstAdminToken(issued: IssuedToken): void {
  // Written straight to stdout, never through the logger: this is the one time the secret is shown.
  process.stdout.write(
    [
      '',
      '================ FIRST ADMIN TOKEN (shown once) ================',
      `  user id:  ${issued.userId}`,
      `  token id: ${issued.tokenId}`,
      `  token:    ${issued.token}`,
      '  Use it as:  Authorization: Bearer <token>',
      '================================================================',
      '',
    ].join('\n') + '\n',
  );
}

/** Stops accepting, lets requests in flight finish, closes the database pool, exits 0. */
function closeOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal} received: finishing requests in flight, then exiting`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

async function main(): Promise<void> {
  const app = await createApp();
  const logger = new Logger('Main');
  const issued = await withStartupLock(app.get(DataSource), () =>
    app.get(ProvisioningService).firstStart(),
  );
  if (issued) {
    printFirstAdminToken(issued);
  }
  const { port, host } = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  closeOnSignals(app, logger);
  await app.listen({ port, host });
  logger.log(
    `Serving the API on ${await app.getUrl()}/api, the docs on ${await app.getUrl()}/docs`,
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigValidationError
      ? error.message
      : `Could not start: ${String(error instanceof Error ? error.message : error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
