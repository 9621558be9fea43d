#!/usr/bin/env node
/**
 * The benchmark: npm run bench -- [--db sqlite|postgres] [--tokens 10000] [--connections 50]
 *                                 [--duration 10] [--scale] [--instances 1|2] [--out file.json]
 *                                 [--node-options=--max-old-space-size=128]
 *
 * Starts the built server (dist/main.js) on a database it creates and seeds (a service user with
 * --tokens tokens, all but one inserted in bulk straight into the database), starts a plain
 * node:http server answering the same JSON body as the ceiling, and loads, in turn, the ceiling,
 * the documented GET and GET /api/profile with autocannon from a second process. Prints a table
 * (req/s, p50/p99 latency, failures, server RSS, share of the ceiling) and writes it as JSON.
 * --scale measures the documented GET at 1,000 tokens, then again after growing the table to
 * 1,000,000. --instances 2 (PostgreSQL) runs two servers on one database, each loaded by its own
 * autocannon at the same time. Traffic goes to 127.0.0.1 only; every run is bounded in time.
 */
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} = require('node:fs');
const { createServer } = require('node:http');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = join(__dirname, '..');
const { values: options } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    tokens: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    scale: { type: 'boolean', default: false },
    instances: { type: 'string', default: '1' },
    out: { type: 'string' },
    // What `npm start` runs with (package.json): the heap stays small without costing throughput.
    'node-options': { type: 'string', default: '--max-old-space-size=128' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(readFileSync(__filename, 'utf8').split('*/')[0]);
  process.exit(0);
}
const KIND = options.db;
if (!['sqlite', 'postgres'].includes(KIND)) throw new Error('--db must be sqlite or postgres');
const TOKENS = Number(options.tokens);
const CONNECTIONS = Number(options.connections);
const DURATION = Number(options.duration);
const INSTANCES = Number(options.instances);
if (INSTANCES === 2 && KIND !== 'postgres') throw new Error('--instances 2 needs --db postgres');
const PG_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const cleanups = [];
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database: a SQLite file in a temporary folder, or a new PostgreSQL database. */
async function prepareDatabase(work) {
  if (KIND === 'sqlite') {
    return { env: { SQLITE_PATH: join(work, 'app.sqlite') }, file: join(work, 'app.sqlite') };
  }
  const { Client } = require('pg');
  const name = `pat_bench_${Date.now()}`;
  const admin = new Client({ connectionString: PG_SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const client = new Client({ connectionString: PG_SERVER });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), TOKEN_PEPPER: randomBytes(32).toString('base64url') },
    url: url.toString(),
  };
}

/** Starts dist/main.js; resolves when it serves, with the first admin token it printed (if any). */
async function startServer(env, work, label) {
  const port = await freePort();
  const logFile = join(work, `server-${label}.log`);
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: work,
    env: {
      ...process.env,
      NODE_OPTIONS: options['node-options'],
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    if (stdout.length < 100_000) stdout += chunk.toString();
    out.write(chunk);
  });
  child.stderr.pipe(out);
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server ${label} exited: see ${logFile}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const token = /token:\s+(opat_\w+)/.exec(stdout)?.[1];
  return { child, port, base: `http://127.0.0.1:${port}`, token, logFile };
}

async function api(base, token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** Inserts `count` more tokens for `userId` straight into the database, in bulk. */
async function bulkInsertTokens(database, userId, count) {
  if (count <= 0) return;
  const started = Date.now();
  if (KIND === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(database.file, { timeout: 10_000 });
    const insert = db.prepare(
      `INSERT INTO personal_access_tokens (id, created_at, updated_at, user_id, note, permissions, all_projects, secret_hash, secret_hint, expires_at)
       VALUES (?, ?, ?, ?, ?, '["releases"]', 1, ?, 'bulk', NULL)`,
    );
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const batch = db.transaction((size) => {
      for (let i = 0; i < size; i++) {
        insert.run(randomUUID(), now, now, userId, 'bulk', randomBytes(32).toString('hex'));
      }
    });
    for (let done = 0; done < count; done += 20_000) batch(Math.min(20_000, count - done));
    // As a long-running database would be: the bulk load checkpointed out of the WAL, statistics fresh.
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('ANALYZE');
    db.close();
  } else {
    const { Client } = require('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    for (let done = 0; done < count; done += 200_000) {
      await client.query(
        `INSERT INTO personal_access_tokens (id, created_at, updated_at, user_id, note, permissions, all_projects, secret_hash, secret_hint, expires_at)
         SELECT gen_random_uuid(), now(), now(), $1, 'bulk', '["releases"]'::jsonb, true,
                md5(random()::text || g::text) || md5(random()::text || clock_timestamp()::text), 'bulk', NULL
         FROM generate_series(1, $2) AS g`,
        [userId, Math.min(200_000, count - done)],
      );
    }
    await client.query('ANALYZE personal_access_tokens');
    await client.end();
  }
  log(`inserted ${count} tokens in bulk in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The ceiling: node:http answering a fixed body of the same size, in its own process. */
async function startCeiling(body, work) {
  const port = await freePort();
  const file = join(work, 'ceiling.js');
  writeFileSync(
    file,
    `const body = ${JSON.stringify(body)};
     require('node:http').createServer((req, res) => {
       res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
       res.end(body);
     }).listen(${port}, '127.0.0.1');`,
  );
  const child = spawn(process.execPath, [file], { stdio: 'ignore' });
  cleanups.push(() => child.kill('SIGKILL'));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
    } catch {
      await sleep(50);
    }
  }
  return { child, base: `http://127.0.0.1:${port}` };
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** One autocannon process per target, all at once; samples the servers' RSS meanwhile. */
async function load(name, targets, duration = DURATION, connections = CONNECTIONS) {
  const autocannon = require.resolve('autocannon/autocannon.js');
  let peakRss = 0;
  const sampler = setInterval(() => {
    const total = targets.reduce((sum, target) => sum + rssMb(target.pid), 0);
    peakRss = Math.max(peakRss, total);
  }, 200);
  const runs = targets.map(
    (target) =>
      new Promise((resolve, reject) => {
        const args = [
          autocannon,
          '-c',
          String(Math.round(connections / targets.length)),
          '-d',
          String(duration),
          '-j',
          '-n',
        ];
        if (target.token) args.push('-H', `authorization=Bearer ${target.token}`);
        args.push(target.url);
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.once('exit', (code) =>
          code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`autocannon exited ${code}`)),
        );
      }),
  );
  const results = await Promise.all(runs);
  clearInterval(sampler);
  const sum = (pick) => results.reduce((total, result) => total + pick(result), 0);
  const requests = sum((r) => r.requests.total);
  return {
    name,
    reqPerSec: Math.round(sum((r) => r.requests.average)),
    meanMs: +(results.reduce((total, r) => total + r.latency.average, 0) / results.length).toFixed(
      2,
    ),
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    requests,
    failures: sum((r) => r.errors + r.timeouts + r.non2xx),
    serverRssMb: Math.round(peakRss),
  };
}

function table(rows, ceiling) {
  const header =
    '| route | req/s | share of ceiling | mean ms | p50 ms | p99 ms | failures | server RSS MB |';
  const lines = rows.map(
    (row) =>
      `| ${row.name} | ${row.reqPerSec} | ${((100 * row.reqPerSec) / ceiling).toFixed(1)}% | ${row.meanMs} | ${row.p50Ms} | ${row.p99Ms} | ${row.failures} | ${row.serverRssMb || '-'} |`,
  );
  return [header, '|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}

async function main() {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], {
    stdio: 'inherit',
  });
  const work = mkdtempSync(join(tmpdir(), 'pat-bench-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const database = await prepareDatabase(work);
  log(
    `database: ${KIND}; tokens: ${options.scale ? '1,000 then 1,000,000' : TOKENS}; ${CONNECTIONS} connections, ${DURATION} s a route`,
  );

  const servers = [await startServer(database.env, work, 'a')];
  const admin = servers[0].token;
  if (!admin) throw new Error('the server printed no first admin token');
  if (INSTANCES === 2) servers.push(await startServer(database.env, work, 'b'));

  const project = await api(servers[0].base, admin, 'POST', '/api/projects', {
    name: 'Bench',
    key: 'bench',
  });
  const bot = await api(servers[0].base, admin, 'POST', '/api/users/service', {
    email: 'bench-bot@example.com',
  });
  const target = await api(
    servers[0].base,
    admin,
    'POST',
    `/api/users/service/${bot.id}/personal-access-tokens`,
    {
      note: 'bench target',
      allProjects: false,
      projects: [project.id],
      permissions: ['releases:deploy', 'documents'],
      expiry: 'month',
    },
  );
  const documentedPath = `/api/users/service/${bot.id}/personal-access-tokens/${target.id}`;
  const firstTokens = options.scale ? 1000 : TOKENS;
  await bulkInsertTokens(database, bot.id, firstTokens - 1);
  const body = JSON.stringify(await api(servers[0].base, admin, 'GET', documentedPath));
  const ceiling = await startCeiling(body, work);

  const targetsFor = (path) =>
    servers.map((server) => ({
      url: `${server.base}${path}`,
      token: admin,
      pid: server.child.pid,
    }));
  const warm = async (path) => load('warm-up', targetsFor(path), 2);
  const rows = [];
  await load('warm-up', [{ url: `${ceiling.base}/`, pid: ceiling.child.pid }], 2);
  rows.push(
    await load('ceiling (node:http, same body)', [
      { url: `${ceiling.base}/`, pid: ceiling.child.pid },
    ]),
  );
  await warm(documentedPath);
  rows.push(await load(`documented GET (${firstTokens} tokens)`, targetsFor(documentedPath)));
  await warm('/api/profile');
  rows.push(await load('GET /api/profile', targetsFor('/api/profile')));
  if (options.scale) {
    await bulkInsertTokens(database, bot.id, 1_000_000 - firstTokens);
    await warm(documentedPath);
    rows.push(await load('documented GET (1000000 tokens)', targetsFor(documentedPath)));
  }

  const ceilingRate = rows[0].reqPerSec;
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    database: KIND,
    instances: INSTANCES,
    nodeOptions: options['node-options'],
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rows: rows.map((row) => ({
      ...row,
      shareOfCeiling: +(row.reqPerSec / ceilingRate).toFixed(3),
    })),
  };
  const markdown = table(rows, ceilingRate);
  process.stdout.write(`\n${markdown}\n\n`);
  const out =
    options.out ??
    join(
      ROOT,
      'bench',
      'results',
      `${KIND}-${INSTANCES}x-${result.date.replace(/[:.]/g, '-')}.json`,
    );
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...result, markdown }, null, 2)}\n`);
  log(`wrote ${out}`);
}

main()
  .catch((error) => {
    process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // best effort
      }
    }
  });
