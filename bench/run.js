#!/usr/bin/env node
/**
 * The benchmark: npm run bench -- [--db sqlite|postgres] [--tokens 10000] [--connections 50]
 *                                 [--duration 10] [--gateway-rounds 3] [--scale] [--instances 1|2] [--out file.json]
 *                                 [--node-options='<node's flags; npm start's by default>']
 *
 * Starts the built server (dist/main.js) on a database it creates and seeds (a service user with
 * --tokens tokens, all but one inserted in bulk straight into the database), starts a plain
 * node:http server answering the same JSON body as the ceiling, and loads, in turn, the ceiling,
 * the documented GET and GET /api/profile with autocannon from a second process. Prints a table
 * (req/s, p50/p99 latency, failures, server RSS, share of the ceiling) and writes it as JSON.
 * Then the gateway check: GET /api/auth/verify?permission=releases:deploy with a token drawn at
 * random from --tokens real tokens for every request (real traffic misses caches), beside a
 * node:http ceiling answering the same body and headers to the same generator; and how long a deleted token keeps
 * passing (on the second instance with --instances 2).
 * --scale measures the documented GET at 1,000 tokens, then again after growing the table to
 * 1,000,000. --instances 2 (PostgreSQL) runs two servers on one database, each loaded by its own
 * autocannon at the same time. Traffic goes to 127.0.0.1 only; every run is bounded in time.
 */
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const {
  ROOT,
  START_NODE_OPTIONS,
  buildIfStale,
  bulkInsertTokens,
  load,
  log,
  machine,
  prepareDatabase,
  run,
  seed,
  startCeiling,
  startServer,
  workFolder,
  api,
} = require('./harness');

const { values: options } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    tokens: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    'gateway-rounds': { type: 'string', default: '3' },
    scale: { type: 'boolean', default: false },
    instances: { type: 'string', default: '1' },
    out: { type: 'string' },
    'node-options': { type: 'string', default: START_NODE_OPTIONS },
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
const GATEWAY_ROUNDS = Number(options['gateway-rounds']);
if (INSTANCES === 2 && KIND !== 'postgres') throw new Error('--instances 2 needs --db postgres');

/** Rows as markdown; the share of each is of `ceiling`, or of its own `ceilingReqPerSec`. */
function table(rows, ceiling) {
  const header =
    '| route | req/s | share of ceiling | mean ms | p50 ms | p99 ms | failures | server RSS MB | server CPU µs/req |';
  const lines = rows.map(
    (row) =>
      `| ${row.name} | ${row.reqPerSec} | ${((100 * row.reqPerSec) / (row.ceilingReqPerSec ?? ceiling)).toFixed(1)}% | ${row.meanMs} | ${row.p50Ms} | ${row.p99Ms} | ${row.failures} | ${row.serverRssMb || '-'} | ${row.cpuMicrosPerRequest ?? '-'} |`,
  );
  return [header, '|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}

async function main() {
  buildIfStale();
  const work = workFolder();
  const database = await prepareDatabase(KIND, work);
  log(
    `database: ${KIND}; tokens: ${options.scale ? '1,000 then 1,000,000' : TOKENS}; ${CONNECTIONS} connections, ${DURATION} s a route`,
  );
  const serverOptions = { nodeFlags: options['node-options'].split(' ').filter(Boolean) };
  const servers = [await startServer(database.env, work, 'a', serverOptions)];
  if (INSTANCES === 2) servers.push(await startServer(database.env, work, 'b', serverOptions));

  const { admin, botId, documentedPath } = await seed(servers[0]);
  const firstTokens = options.scale ? 1000 : TOKENS;
  const secrets = await bulkInsertTokens(database, botId, firstTokens - 1, { withSecrets: true });
  const body = JSON.stringify(await api(servers[0].base, admin, 'GET', documentedPath));
  const ceiling = await startCeiling(body, work);

  const targetsFor = (path) =>
    servers.map((server) => ({
      url: `${server.base}${path}`,
      token: admin,
      pid: server.child.pid,
    }));
  const measure = (name, targets, duration = DURATION) =>
    load(name, targets, duration, CONNECTIONS);
  const warm = async (path) => measure('warm-up', targetsFor(path), 2);
  const ceilingTarget = [{ url: `${ceiling.base}/`, pid: ceiling.child.pid }];
  const rows = [];
  await measure('warm-up', ceilingTarget, 2);
  rows.push(await measure('ceiling (node:http, same body)', ceilingTarget));
  await warm(documentedPath);
  rows.push(await measure(`documented GET (${firstTokens} tokens)`, targetsFor(documentedPath)));
  await warm('/api/profile');
  rows.push(await measure('GET /api/profile', targetsFor('/api/profile')));
  if (options.scale) {
    await bulkInsertTokens(database, botId, 1_000_000 - firstTokens);
    await warm(documentedPath);
    rows.push(await measure('documented GET (1000000 tokens)', targetsFor(documentedPath)));
  }

  const gateway = await measureGateway({ servers, work, secrets, admin, botId, measure });

  const ceilingRate = rows[0].reqPerSec;
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    database: KIND,
    instances: INSTANCES,
    nodeOptions: options['node-options'],
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    rows: rows.map(({ window: _window, ...row }) => ({
      ...row,
      shareOfCeiling: +(row.reqPerSec / ceilingRate).toFixed(3),
    })),
  };
  result.gateway = {
    rows: gateway.rows.map(({ window: _window, ...row }) => ({
      ...row,
      shareOfCeiling: +(row.reqPerSec / row.ceilingReqPerSec).toFixed(3),
    })),
    medianShareOfCeiling: gateway.medianShare,
    revocationMs: gateway.revocationMs,
  };
  const markdown = [
    table(rows, ceilingRate),
    `Gateway check, ${secrets.length - 5} tokens at random, ${GATEWAY_ROUNDS} rounds (each load's share is of the ceiling loaded just before it):`,
    table(gateway.rows),
    `Median share of the ceiling over the rounds: ${(100 * gateway.medianShare).toFixed(1)}%`,
    `A deleted token refused on ${gateway.revocationMs.instance} after: ${gateway.revocationMs.samples.join(', ')} ms`,
  ].join('\n\n');
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

const VERIFY_PATH = '/api/auth/verify?permission=releases:deploy';

/**
 * The gateway check under real traffic (each request a token drawn at random), beside its own
 * ceiling (node:http answering the same body and headers) loaded by the same generator with the
 * same random tokens, so that the two differ only in the server. The two are loaded in turn
 * --gateway-rounds times, each check's share taken of the ceiling loaded just before it (on a
 * shared machine the ceiling itself varies from minute to minute), and the median share kept.
 * Then five tokens deleted on the first instance and
 * checked on the last one until refused.
 */
async function measureGateway({ servers, work, secrets, admin, botId, measure }) {
  const tokensFile = join(work, 'gateway-tokens.txt');
  writeFileSync(tokensFile, secrets.slice(5).join('\n'));
  const sample = await fetch(`${servers[0].base}${VERIFY_PATH}`, {
    headers: { authorization: `Bearer ${secrets[5]}` },
  });
  if (sample.status !== 200) throw new Error(`the gateway check answered ${sample.status}`);
  const headers = Object.fromEntries(
    [...sample.headers].filter(([name]) => name.startsWith('x-auth-')),
  );
  const ceiling = await startCeiling(await sample.text(), work, headers);
  const ceilingTarget = [
    { url: `${ceiling.base}${VERIFY_PATH}`, tokensFile, pid: ceiling.child.pid },
  ];
  const verifyTargets = servers.map((server) => ({
    url: `${server.base}${VERIFY_PATH}`,
    tokensFile,
    pid: server.child.pid,
  }));
  const tokens = secrets.length - 5;
  const rows = [];
  await measure('warm-up', ceilingTarget, 2);
  await measure('warm-up', verifyTargets, 2);
  for (let round = 1; round <= GATEWAY_ROUNDS; round++) {
    const ceilingRow = await measure(
      `ceiling (node:http, same body and headers, same random tokens), round ${round}`,
      ceilingTarget,
    );
    const checkRow = await measure(
      `GET /api/auth/verify (${tokens} tokens at random), round ${round}`,
      verifyTargets,
    );
    const ceilingReqPerSec = ceilingRow.reqPerSec;
    rows.push({ ...ceilingRow, ceilingReqPerSec }, { ...checkRow, ceilingReqPerSec });
  }
  const shares = rows
    .filter((_, index) => index % 2 === 1)
    .map((row) => row.reqPerSec / row.ceilingReqPerSec)
    .sort((a, b) => a - b);
  const middle = shares.length / 2;
  const median =
    shares.length % 2 === 1
      ? shares[Math.floor(middle)]
      : (shares[middle - 1] + shares[middle]) / 2;
  const medianShare = +median.toFixed(3);
  const checker = servers.at(-1);
  const samples = [];
  for (const secret of secrets.slice(0, 5)) {
    samples.push(await revocationMs(servers[0], checker, admin, botId, secret));
  }
  return {
    rows,
    medianShare,
    revocationMs: {
      instance: servers.length > 1 ? 'the other instance' : 'the same instance',
      samples,
    },
  };
}

/** How long after its delete (answered by `deleter`) a token still passes on `checker`. */
async function revocationMs(deleter, checker, admin, botId, secret) {
  const headers = { authorization: `Bearer ${secret}` };
  const self = await fetch(`${checker.base}/api/personal-access-tokens/self`, { headers });
  if (self.status !== 200) throw new Error(`a token to delete answers ${self.status}`);
  const { id } = await self.json();
  await api(
    deleter.base,
    admin,
    'DELETE',
    `/api/users/service/${botId}/personal-access-tokens/${id}`,
  );
  const deletedAt = performance.now();
  for (;;) {
    const status = (await fetch(`${checker.base}${VERIFY_PATH}`, { headers })).status;
    if (status === 401) return +(performance.now() - deletedAt).toFixed(1);
    if (performance.now() - deletedAt > 5_000)
      throw new Error('a deleted token still passes after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

run(main);
