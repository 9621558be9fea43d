import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { Principal, PrincipalResolver } from '../../src/modules/auth';
import { ProvisioningService } from '../../src/modules/provisioning/provisioning.service';

/**
 * The real application on the test file's own database (SQLite or PostgreSQL, with the real
 * migrations), used without HTTP: a test calls the services themselves, many at once, to find
 * races in the rules and the SQL rather than in the routing.
 */
export async function startMediumApp(): Promise<INestApplication> {
  return createApp();
}

let people = 0;

/** A new owner person: the principal their new owner token authenticates, and its secret. */
export async function newOwner(app: INestApplication): Promise<Principal & { secret: string }> {
  const issued = await app.get(ProvisioningService).createAdmin({
    email: `owner-${Date.now()}-${++people}@example.com`,
    type: 'owner',
    expiry: 'month',
  });
  const principal = await app.get(PrincipalResolver).resolve(issued.token, '127.0.0.1');
  if (!principal || 'expiredAt' in principal) {
    throw new Error('A token just issued does not authenticate');
  }
  return { ...principal, secret: issued.token };
}

/** Runs SQL written with `?` placeholders on the app's database, either kind. */
export function sql<T = Record<string, unknown>>(
  app: INestApplication,
  text: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const dataSource = app.get(DataSource);
  let index = 0;
  const native =
    dataSource.options.type === 'postgres' ? text.replace(/\?/g, () => `$${++index}`) : text;
  return dataSource.query(native, parameters);
}
