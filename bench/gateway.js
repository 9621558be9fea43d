#!/usr/bin/env node
/**
 * The gateway-check benchmark: npm run bench:gateway -- [--db sqlite|postgres] [--tokens 10000]
 *                                 [--connections 50] [--duration 10] [--out file.json]
 *
 * Starts the built server (as `npm start` runs it) on a database it creates, gives a service user
 * --tokens distinct tokens over HTTP, then loads GET /api/auth/verify?permission=releases:deploy
 * with a token drawn at random for every request (real traffic misses caches), side by side with
 * the node:http ceiling answering a body of the same size. Then it measures how long a deleted
 * token keeps passing: on SQLite on the one instance, on PostgreSQL on a second instance (the
 * delete is made on the first). Prints a table and writes it as JSON. Traffic goes to 127.0.0.1
 * only; every load is bounded in time.
 */
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} = require('node:fs');
const { createServer } = require('node:http');
const { cpus, tmpdir, totalmem, loadavg } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = join(__dirname, '..');
const { values: options } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    tokens: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    out: { type: 'string' },
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
const PG_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const VERIFY_PATH = '/api/auth/verify?permission=releases:deploy';

const cleanups = [];
const log = (message) => process.stderr.write(`[bench:gateway] ${message}\n`);
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

async function prepareDatabase(work) {
  const pepper = { TOKEN_PEPPER: randomBytes(32).toString('base64url') };
  if (KIND === 'sqlite') return { env: { ...pepper, SQLITE_PATH: join(work, 'app.sqlite') } };
  const { Client } = require('pg');
  const name = `pat_bench_gateway_${Date.now()}`;
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
  return { env: { ...pepper, DATABASE_URL: url.toString() } };
}

async function startServer(env, work, label) {
  const port = await freePort();
  const logFile = join(work, `server-${label}.log`);
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: work,
    env: {
      ...process.env,
      NODE_OPTIONS: '--max-old-space-size=128',
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
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server ${label} exited: see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`server ${label} did not start: see ${logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const token = /token:\s+(opat_\w+)/.exec(stdout)?.[1];
  return { child, base: `http://127.0.0.1:${port}`, token };
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

/** `count` tokens for the service user, created over HTTP, `parallel` at a time. */
async function createTokens(server, admin, botId, count, parallel = 16) {
  const started = Date.now();
  const secrets = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const created = await api(
        server.base,
        admin,
        'POST',
        `/api/users/service/${botId}/personal-access-tokens`,
        {
          note: `gateway ${next}`,
          allProjects: true,
          permissions: ['releases'],
          expiry: 'month',
        },
      );
      secrets.push({ id: created.id, token: created.token });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  log(`created ${secrets.length} tokens in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return secrets;
}

async function startCeiling(body, headers, work) {
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
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, in µs. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** autocannon in its own process, a random token of `tokensFile` per request. */
async function load(name, url, pid, tokensFile, duration = DURATION) {
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 200);
  const cpuBefore = cpuMicros(pid);
  const result = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(__dirname, 'random-token-load.js'),
        url,
        tokensFile,
        String(CONNECTIONS),
        String(duration),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited ${code}`)),
    );
  });
  clearInterval(sampler);
  const cpu = cpuMicros(pid) - cpuBefore;
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    meanMs: result.latency.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    serverRssMb: Math.round(peakRss),
    cpuMicrosPerRequest: Math.round(cpu / Math.max(1, result.requests.total)),
  };
}

/** How long after its delete (answered by `deleter`) a token still passes on `checker`. */
async function revocationMs(deleter, checker, admin, botId, victim) {
  const headers = { authorization: `Bearer ${victim.token}` };
  const warm = await fetch(`${checker.base}${VERIFY_PATH}`, { headers });
  if (warm.status !== 200)
    throw new Error(`the victim token answers ${warm.status} before its delete`);
  await api(
    deleter.base,
    admin,
    'DELETE',
    `/api/users/service/${botId}/personal-access-tokens/${victim.id}`,
  );
  const deletedAt = performance.now();
  for (;;) {
    const status = (await fetch(`${checker.base}${VERIFY_PATH}`, { headers })).status;
    if (status === 401) return +(performance.now() - deletedAt).toFixed(1);
    if (performance.now() - deletedAt > 5_000)
      throw new Error('a deleted token still passes after 5 s');
    await sleep(1);
  }
}

function table(rows, ceiling) {
  return [
    '| route | req/s | share of ceiling | mean ms | p50 ms | p99 ms | failures | server RSS MB | server CPU µs/req |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.reqPerSec} | ${((100 * row.reqPerSec) / ceiling).toFixed(1)}% | ${row.meanMs} | ${row.p50Ms} | ${row.p99Ms} | ${row.failures} | ${row.serverRssMb || '-'} | ${row.cpuMicrosPerRequest ?? '-'} |`,
    ),
  ].join('\n');
}

async function main() {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], {
    stdio: 'inherit',
  });
  const work = mkdtempSync(join(tmpdir(), 'pat-bench-gateway-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const database = await prepareDatabase(work);
  log(`database: ${KIND}; ${TOKENS} tokens; ${CONNECTIONS} connections, ${DURATION} s a load`);
  const server = await startServer(database.env, work, 'a');
  const admin = server.token;
  if (!admin) throw new Error('the server printed no first admin token');
  const bot = await api(server.base, admin, 'POST', '/api/users/service', {
    email: 'gateway-bot@example.com',
  });
  const tokens = await createTokens(server, admin, bot.id, TOKENS);
  const tokensFile = join(work, 'tokens.txt');
  writeFileSync(tokensFile, tokens.map((token) => token.token).join('\n'));

  const sample = await fetch(`${server.base}${VERIFY_PATH}`, {
    headers: { authorization: `Bearer ${tokens[0].token}` },
  });
  if (sample.status !== 200) throw new Error(`verify answered ${sample.status}`);
  const authHeaders = Object.fromEntries(
    [...sample.headers].filter(
      ([name]) => name.startsWith('x-auth-') || name === 'x-token-expires-at',
    ),
  );
  const ceiling = await startCeiling(await sample.text(), authHeaders, work);

  const rows = [];
  await load('warm-up', `${ceiling.base}/`, ceiling.child.pid, tokensFile, 2);
  rows.push(
    await load(
      'ceiling (node:http, same body and headers)',
      `${ceiling.base}/`,
      ceiling.child.pid,
      tokensFile,
    ),
  );
  await load('warm-up', `${server.base}${VERIFY_PATH}`, server.child.pid, tokensFile, 2);
  rows.push(
    await load(
      `GET /api/auth/verify (${TOKENS} tokens at random)`,
      `${server.base}${VERIFY_PATH}`,
      server.child.pid,
      tokensFile,
    ),
  );

  // A revoked token, refused everywhere: on SQLite the one instance; on PostgreSQL a second one.
  const checker = KIND === 'postgres' ? await startServer(database.env, work, 'b') : server;
  const revocations = [];
  for (const victim of tokens.slice(-5)) {
    revocations.push(await revocationMs(server, checker, admin, bot.id, victim));
  }

  const ceilingRate = rows[0].reqPerSec;
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: loadavg()[0].toFixed(2),
    },
    database: KIND,
    tokens: TOKENS,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rows: rows.map((row) => ({
      ...row,
      shareOfCeiling: +(row.reqPerSec / ceilingRate).toFixed(3),
    })),
    revocationMs: {
      instance: KIND === 'postgres' ? 'another instance' : 'the same instance',
      samples: revocations,
    },
  };
  const markdown = `${table(rows, ceilingRate)}\n\nA deleted token refused on ${result.revocationMs.instance} after: ${revocations.join(', ')} ms`;
  process.stdout.write(`\n${markdown}\n\n`);
  const out =
    options.out ??
    join(ROOT, 'bench', 'results', `gateway-${KIND}-${result.date.replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...result, markdown }, null, 2)}\n`);
  log(`wrote ${out}`);
}

main()
  .catch((error) => {
    process.stderr.write(`[bench:gateway] failed: ${error.stack ?? error}\n`);
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
