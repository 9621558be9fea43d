import './config/load-env-file';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { AppConfig, appConfig } from './config/app.config';
import { BootstrapConfig, bootstrapConfig } from './config/bootstrap.config';
import { ConfigValidationError, serverHelp } from './config/environment';
import { withStartupLock } from './database/startup-lock';
import { writeFirstAdminToken } from './modules/provisioning/first-admin-token-file';
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

/**
 * Development prints the first admin's token (the README's first walk reads it there). Production
 * ships stdout and stderr to log stores, so the token goes to a file only its owner can read, and
 * the log says where.
 */
function handOverFirstAdminToken(
  app: NestFastifyApplication,
  logger: Logger,
  issued: IssuedToken,
): void {
  const { nodeEnv } = app.get<AppConfig>(appConfig.KEY);
  if (nodeEnv !== 'production') {
    printFirstAdminToken(issued);
    return;
  }
  const { adminTokenFile } = app.get<BootstrapConfig>(bootstrapConfig.KEY);
  const path = resolve(adminTokenFile);
  try {
    writeFirstAdminToken(path, issued);
    logger.log(
      `The first admin's token was written to ${path}, readable by its owner only: read it, then delete the file`,
    );
  } catch (error) {
    logger.error(
      `Could not write the first admin's token to ${path} (${error instanceof Error ? error.message : String(error)}): create an admin with the command-line tool (create-admin)`,
    );
  }
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
  const args = process.argv.slice(2);
  if (args.length > 0) {
    // Nothing is started: `--help` (or a mistyped argument) asks what the server reads.
    const known = args.every((arg) => arg === '--help' || arg === '-h');
    (known ? process.stdout : process.stderr).write(
      `${known ? '' : `unknown argument: ${args.join(' ')}\n\n`}${serverHelp()}\n`,
    );
    process.exit(known ? 0 : 2);
  }
  const app = await createApp();
  const logger = new Logger('Main');
  const issued = await withStartupLock(app.get(DataSource), () =>
    app.get(ProvisioningService).firstStart(),
  );
  if (issued) {
    handOverFirstAdminToken(app, logger, issued);
  }
  const { port, host } = app.get<AppConfig>(appConfig.KEY);
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
