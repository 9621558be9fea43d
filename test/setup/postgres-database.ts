import { Client } from 'pg';

/** A fresh database for this test file, created before it and dropped after it. */
async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const name = new URL(process.env.DATABASE_URL!).pathname.slice(1);

beforeAll(async () => {
  await onServer(`CREATE DATABASE "${name}"`);
});

afterAll(async () => {
  await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});
