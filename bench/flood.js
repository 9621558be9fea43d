#!/usr/bin/env node
/**
 * The address flood: npm run bench:flood -- [--addresses 150000] [--per-address 1] [--duration 120]
 *                                           [--concurrency 128] [--limit 20]
 *                                           [--node-options='<node's flags; npm start's by default>']
 *
 * Starts the built server (dist/main.js) as production runs it (NODE_ENV=production, the 128 MB
 * heap cap, no proxy trusted) on a fresh SQLite database, creates an admin with the command-line
 * tool, then sends refused tokens from --addresses distinct real source addresses: every request
 * on a new connection whose socket is bound to its own address of 127.0.0.0/8 (Linux routes the
 * whole /8 to the loopback interface), --per-address requests each (past the failure limit, the
 * address is blocked). Bounded by count and by --duration seconds, to 127.0.0.1 only.
 *
 * Samples the server's RSS (VmRSS) and the machine's load average every second, and asks with the
 * valid token from 127.0.0.1 every second during the flood (the answers and the slowest are
 * reported). At the end checks that it still serves: a valid token answers 200 from a fresh
 * address and from a blocked one, and a refused token from the blocked address answers 429.
 * Prints the figures and writes them to bench/results/flood-*.json.
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { request } = require('node:http');
const { cpus, loadavg, tmpdir, totalmem } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = join(__dirname, '..');
const { values: options } = parseArgs({
  options: {
    addresses: { type: 'string', default: '150000' },
    'per-address': { type: 'string', default: '1' },
    duration: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '128' },
    limit: { type: 'string', default: '20' },
    // What `npm start` gives node (package.json's start script).
    'node-options': {
      type: 'string',
      default: /^node (.+) dist\/main\.js$/.exec(require('../package.json').scripts.start)[1],
    },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(readFileSync(__filename, 'utf8').split('*/')[0]);
  process.exit(0);
}
const ADDRESSES = Number(options.addresses);
const PER_ADDRESS = Number(options['per-address']);
const DURATION_MS = Number(options.duration) * 1000;
const CONCURRENCY = Number(options.concurrency);
const LIMIT = Number(options.limit);
/** 127.0.0.0/8 holds 16,777,216 addresses; the flood starts at 127.1.0.0. */
const MAX_ADDRESSES = (1 << 24) - (1 << 16) - 1;
if (!(ADDRESSES >= 1 && ADDRESSES <= MAX_ADDRESSES)) {
  throw new Error(`--addresses must be between 1 and ${MAX_ADDRESSES}`);
}

const log = (message) => process.stderr.write(`[flood] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The n-th flood address: 127.1.0.0 onwards, never 127.0.0.x (where the checks come from). */
function address(n) {
  const value = (1 << 16) + n;
  return `127.${(value >> 16) & 255}.${(value >> 8) & 255}.${value & 255}`;
}

function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024);
  } catch {
    return null;
  }
}

/** One request on a connection of its own, from `localAddress`; answers the status (0: failed). */
function call(port, localAddress, token, path = '/api/profile') {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
        timeout: 10_000,
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(incoming.statusCode));
        incoming.on('error', () => resolve(0));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', () => resolve(0));
    outgoing.end();
  });
}

async function main() {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const work = mkdtempSync(join(tmpdir(), 'pat-flood-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    SQLITE_PATH: join(work, 'app.sqlite'),
    AUTH_FAILURE_LIMIT: String(LIMIT),
    AUTH_FAILURE_WINDOW_SECONDS: '600',
    AUTH_FAILURE_BLOCK_SECONDS: '600',
    ENV_FILE: join(work, 'no-env-file'),
  };
  const admin = JSON.parse(
    execFileSync(
      process.execPath,
      [join(ROOT, 'dist', 'cli.js'), 'create-admin', '--email', 'flood@example.com'],
      { env, cwd: work, stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .toString()
      .trim()
      .split('\n')
      .at(-1),
  ).token;

  const port = await new Promise((resolve) => {
    const probe = require('node:net').createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const server = spawn(
    process.execPath,
    [...options['node-options'].split(' ').filter(Boolean), join(ROOT, 'dist', 'main.js')],
    { env: { ...env, PORT: String(port) }, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exit = null;
  server.once('exit', (code, signal) => (exit = { code, signal }));
  const stop = () => {
    if (exit === null) server.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });

  try {
    for (
      let attempt = 0;
      attempt < 300 && (await call(port, '127.0.0.1', admin)) !== 200;
      attempt++
    ) {
      if (exit !== null) throw new Error(`the server exited: ${JSON.stringify(exit)}\n${stderr}`);
      await sleep(100);
    }
    // A short warm-up, so that "before" is the serving process, not the freshly started one.
    for (let i = 0; i < 200; i++) await call(port, '127.0.0.1', admin);
    const before = rssMb(server.pid);
    log(
      `server pid ${server.pid}, RSS ${before} MB before; ${ADDRESSES} addresses × ${PER_ADDRESS}`,
    );

    const statuses = {};
    let sent = 0;
    let peak = before;
    const loadBefore = loadavg()[0];
    let loadPeak = loadBefore;
    /** The valid token, asked every second while the flood runs: its answers and the slowest. */
    const probe = { statuses: {}, slowestMs: 0 };
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const asked = Date.now();
        const status = await call(port, '127.0.0.1', admin);
        probe.statuses[status] = (probe.statuses[status] ?? 0) + 1;
        probe.slowestMs = Math.max(probe.slowestMs, Date.now() - asked);
        await sleep(1000);
      }
    })();
    let next = 0;
    const total = ADDRESSES * PER_ADDRESS;
    const started = Date.now();
    const deadline = started + DURATION_MS;
    const sampler = setInterval(() => {
      const rss = rssMb(server.pid);
      if (rss !== null) peak = Math.max(peak, rss);
      log(`${sent} sent, RSS ${rss} MB, ${JSON.stringify(statuses)}`);
    }, 5000);
    const sampleFast = setInterval(() => {
      const rss = rssMb(server.pid);
      if (rss !== null) peak = Math.max(peak, rss);
      loadPeak = Math.max(loadPeak, loadavg()[0]);
    }, 1000);
    async function worker() {
      while (next < total && Date.now() < deadline && exit === null) {
        const n = next++;
        const status = await call(port, address(n % ADDRESSES), `opat_flood${n}`);
        statuses[status] = (statuses[status] ?? 0) + 1;
        sent += 1;
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    clearInterval(sampler);
    clearInterval(sampleFast);
    probing = false;
    await prober;
    const loadAfter = loadavg()[0];
    const seconds = (Date.now() - started) / 1000;
    const addressesUsed = Math.min(ADDRESSES, sent);

    const after = rssMb(server.pid);
    const alive = exit === null;
    let checks = null;
    if (alive) {
      // Blocks one flooded address for sure (the flood may have sent it fewer than LIMIT).
      for (let i = 0; i <= LIMIT; i++) await call(port, address(0), `opat_flood_block${i}`);
      checks = {
        validFromFreshAddress: await call(port, '127.0.0.1', admin),
        refusedFromBlockedAddress: await call(port, address(0), 'opat_flood_again'),
        validFromBlockedAddress: await call(port, address(0), admin),
        ready: await call(port, '127.0.0.1', admin, '/health/ready'),
      };
    }
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
      node: process.version,
      nodeOptions: options['node-options'],
      addresses: addressesUsed,
      perAddress: PER_ADDRESS,
      requests: sent,
      seconds: Math.round(seconds * 10) / 10,
      requestsPerSecond: Math.round(sent / seconds),
      statuses,
      rssMb: { before, peak, after },
      // The 1-minute load average of the whole machine (other work included), sampled every second.
      loadAverage1m: { before: loadBefore, peak: loadPeak, after: loadAfter },
      validTokenDuringFlood: probe,
      alive,
      exit,
      checks,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, 'results', `flood-${result.date.replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    if (!alive) {
      log(`the server died: ${JSON.stringify(exit)}\n${stderr}`);
      process.exitCode = 1;
    }
  } finally {
    stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
