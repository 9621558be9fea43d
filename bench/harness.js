/**
 * What the benchmarks share: a fresh seeded database, the built server started as `npm start`
 * runs it, the node:http ceiling, and autocannon loads from a second process. Every load is
 * bounded in time and goes to 127.0.0.1 only.
 */
const { spawn, execFileSync } = require('node:child_process');
const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { createServer } = require('node:http');
const { cpus, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
/** Secrets made exactly as the service makes them (the built code; `buildIfStale` runs first). */
const generateTokenSecret = (...args) =>
  require(join(ROOT, 'dist', 'common', 'tokens', 'token-secret.js')).generateTokenSecret(...args);
const PG_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The flags `npm start` gives node (package.json's start script): the server runs as it runs. */
const START_NODE_FLAGS = /^node (.+) dist\/main\.js$/
  .exec(require(join(ROOT, 'package.json')).scripts.start)[1]
  .split(' ');
const START_NODE_OPTIONS = START_NODE_FLAGS.join(' ');

/** Run in reverse order when the benchmark ends, however it ends. */
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

function buildIfStale() {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], {
    stdio: 'inherit',
  });
}

/** A temporary folder, removed at the end. */
function workFolder() {
  const work = mkdtempSync(join(tmpdir(), 'pat-bench-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

/** A fresh database: a SQLite file in the work folder, or a new PostgreSQL database. */
async function prepareDatabase(kind, work) {
  // Known to the benchmark, so that it can store tokens whose secrets it can present.
  const pepper = randomBytes(32).toString('base64url');
  if (kind === 'sqlite') {
    const file = join(work, 'app.sqlite');
    return { kind, pepper, env: { SQLITE_PATH: file, TOKEN_PEPPER: pepper }, file };
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
    kind,
    pepper,
    env: { DATABASE_URL: url.toString(), TOKEN_PEPPER: pepper },
    url: url.toString(),
  };
}

/**
 * Starts dist/main.js; resolves when it serves, with the first admin token it printed (if any).
 * `nodeFlags` (what `npm start` gives node, unless told otherwise) and then `nodeArgs` (--cpu-prof,
 * -r) go before the script.
 */
async function startServer(env, work, label, { nodeFlags = START_NODE_FLAGS, nodeArgs = [] } = {}) {
  const port = await freePort();
  const logFile = join(work, `server-${label}.log`);
  // In production the first admin's token is written to this file, never printed.
  const tokenFile = join(work, `first-admin-token-${label}`);
  const child = spawn(
    process.execPath,
    [...nodeFlags, ...nodeArgs, join(ROOT, 'dist', 'main.js')],
    {
      cwd: work,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        PORT: String(port),
        HOST: '127.0.0.1',
        FIRST_ADMIN_TOKEN_FILE: tokenFile,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out = createWriteStream(logFile);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    if (stdout.length < 100_000) stdout += chunk.toString();
    out.write(chunk);
  });
  child.stderr.pipe(out);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  cleanups.push(stop);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server ${label} exited:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const token = existsSync(tokenFile)
    ? JSON.parse(readFileSync(tokenFile, 'utf8')).token
    : /token:\s+(opat_\w+)/.exec(stdout)?.[1];
  return { child, port, base: `http://127.0.0.1:${port}`, token, logFile, stop };
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

/**
 * The documented GET's subject: a project, a service user and one token of theirs scoped to the
 * project. Answers the documented GET's path and the service user's id.
 */
async function seed(server) {
  const admin = server.token;
  if (!admin) throw new Error('the server printed no first admin token');
  const project = await api(server.base, admin, 'POST', '/api/projects', {
    name: 'Bench',
    key: 'bench',
  });
  const bot = await api(server.base, admin, 'POST', '/api/users/service', {
    email: 'bench-bot@example.com',
  });
  const target = await api(
    server.base,
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
  return {
    admin,
    botId: bot.id,
    documentedPath: `/api/users/service/${bot.id}/personal-access-tokens/${target.id}`,
  };
}

/**
 * Inserts `count` more tokens for `userId` straight into the database, in bulk: `releases` on all
 * projects, no expiry. With `withSecrets`, each has a real secret (made and hashed as the service
 * does, under the database's pepper) and the secrets are answered; otherwise the hashes are random.
 */
async function bulkInsertTokens(database, userId, count, { withSecrets = false } = {}) {
  if (count <= 0) return [];
  const started = Date.now();
  const secrets = [];
  const nextHash = () => {
    if (!withSecrets) return randomBytes(32).toString('hex');
    const secret = generateTokenSecret();
    secrets.push(secret);
    return createHmac('sha256', Buffer.from(database.pepper, 'utf8')).update(secret).digest('hex');
  };
  if (database.kind === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(database.file, { timeout: 10_000 });
    const insert = db.prepare(
      `INSERT INTO personal_access_tokens (id, created_at, updated_at, user_id, note, permissions, all_projects, secret_hash, secret_hint, expires_at)
       VALUES (?, ?, ?, ?, ?, '["releases"]', 1, ?, 'bulk', NULL)`,
    );
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const batch = db.transaction((size) => {
      for (let i = 0; i < size; i++) {
        insert.run(randomUUID(), now, now, userId, 'bulk', nextHash());
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
      const size = Math.min(200_000, count - done);
      const hashes = withSecrets ? Array.from({ length: size }, nextHash) : null;
      await client.query(
        `INSERT INTO personal_access_tokens (id, created_at, updated_at, user_id, note, permissions, all_projects, secret_hash, secret_hint, expires_at)
         SELECT gen_random_uuid(), now(), now(), $1, 'bulk', '["releases"]'::jsonb, true,
                COALESCE(($3::text[])[g], md5(random()::text || g::text) || md5(random()::text || clock_timestamp()::text)),
                'bulk', NULL
         FROM generate_series(1, $2) AS g`,
        [userId, size, hashes],
      );
    }
    await client.query('ANALYZE personal_access_tokens');
    await client.end();
  }
  log(`inserted ${count} tokens in bulk in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return secrets;
}

/** The ceiling: node:http answering a fixed body (and headers) of the same size, in its own process. */
async function startCeiling(body, work, headers = {}) {
  const port = await freePort();
  const file = join(work, 'ceiling.js');
  writeFileSync(
    file,
    `const body = ${JSON.stringify(body)};
     const headers = ${JSON.stringify(headers)};
     require('node:http').createServer((req, res) => {
       res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
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

/** CPU time (user + system) a process has used so far, in µs (Linux clock ticks of 10 ms). */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * One autocannon process per target (with `tokensFile`, a random token of it per request), all at once, for `duration` seconds (or until `amount`
 * requests are answered); samples the servers' RSS meanwhile and counts the CPU time they used. Answers the row of the results table, plus the load's window on the
 * monotonic clock (which V8's CPU profiles use too).
 */
async function load(name, targets, duration, connections, { amount } = {}) {
  const autocannon = require.resolve('autocannon/autocannon.js');
  let peakRss = 0;
  const sampler = setInterval(() => {
    const total = targets.reduce((sum, target) => sum + rssMb(target.pid), 0);
    peakRss = Math.max(peakRss, total);
  }, 200);
  const cpuBefore = targets.map((target) => cpuMicros(target.pid));
  const startedAt = process.hrtime.bigint();
  const runs = targets.map(
    (target) =>
      new Promise((resolve, reject) => {
        const perTarget = String(Math.round(connections / targets.length));
        // A token file: a token drawn at random for every request (real traffic misses caches).
        const args = target.tokensFile
          ? [
              join(__dirname, 'random-token-load.js'),
              target.url,
              target.tokensFile,
              perTarget,
              String(duration),
            ]
          : [
              autocannon,
              '-c',
              perTarget,
              ...(amount
                ? ['-a', String(Math.round(amount / targets.length))]
                : ['-d', String(duration)]),
              '-j',
              '-n',
            ];
        if (!target.tokensFile && target.token) {
          args.push('-H', `authorization=Bearer ${target.token}`);
        }
        if (!target.tokensFile) args.push(target.url);
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.once('exit', (code) =>
          code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`autocannon exited ${code}`)),
        );
      }),
  );
  const results = await Promise.all(runs);
  const endedAt = process.hrtime.bigint();
  const cpu = targets.reduce((sum, target, i) => sum + cpuMicros(target.pid) - cpuBefore[i], 0);
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
    cpuMicrosPerRequest: requests > 0 ? Math.round(cpu / requests) : NaN,
    window: { startedAt, endedAt },
  };
}

/** The machine, for the record: results are comparable within one run only. */
function machine() {
  const [one, five] = require('node:os').loadavg();
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: `${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) at the start`,
  };
}

/** Runs `main`, then every cleanup, whatever happened. */
function run(main) {
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
}

module.exports = {
  ROOT,
  START_NODE_OPTIONS,
  api,
  buildIfStale,
  bulkInsertTokens,
  cleanups,
  cpuMicros,
  freePort,
  load,
  log,
  machine,
  prepareDatabase,
  rssMb,
  run,
  seed,
  sleep,
  startCeiling,
  startServer,
  workFolder,
};
