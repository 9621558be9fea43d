#!/usr/bin/env node
/**
 * The per-stage CPU budget: npm run bench:stages -- [--db sqlite|postgres] [--tokens 10000]
 *                              [--connections 50] [--duration 4] [--interval 250] [--out file.json]
 *                              [--rounds 3] [--phases profile,removal,node-options]
 *                              [--variant-node-options=--max-semi-space-size=32]
 *
 * Where the server's CPU time goes, per request, for the documented GET and GET /api/profile,
 * measured two ways on one seeded database:
 *
 * 1. Profile. The server runs under `node --cpu-prof` (one sample every --interval µs) while each
 *    route is loaded in turn; every sample taken during a route's load is given to a stage by its
 *    call stack (the rules in SPECIFIC and GENERIC below), and each stage's share of the samples is
 *    applied to the CPU time per request the server used meanwhile (utime + stime from /proc).
 * 2. Removal. The server runs again, without the profiler, with bench/stage-switches.js preloaded;
 *    each removable stage is switched off in turn (answered from a memo, or skipped) while the route
 *    is loaded, and what the server's CPU time per request (utime + stime from /proc) drops by is
 *    that stage's cost: the whole route and the variant are loaded in turn --rounds times, and
 *    their medians compared. The ceiling (node:http, same body) is measured in the same run, so
 *    that the shares of the ceiling can be compared side by side.
 *
 * 3. Node options (only with --phases …,node-options): two servers, one started as `npm start`
 *    starts it and one with --variant-node-options added, loaded in turn --rounds times.
 *
 * Prints the tables as markdown and writes them with the raw figures as JSON, and the profile
 * beside it (.cpuprofile: open it in Chrome's DevTools to see what a stage is made of).
 */
const { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const {
  ROOT,
  START_NODE_OPTIONS,
  api,
  buildIfStale,
  bulkInsertTokens,
  freePort,
  load,
  log,
  machine,
  prepareDatabase,
  run,
  seed,
  startCeiling,
  startServer,
  workFolder,
} = require('./harness');

const { values: options } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    tokens: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '4' },
    interval: { type: 'string', default: '250' },
    out: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    phases: { type: 'string', default: 'profile,removal' },
    'variant-node-options': { type: 'string', default: '--max-semi-space-size=32' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(readFileSync(__filename, 'utf8').split('*/')[0]);
  process.exit(0);
}
const KIND = options.db;
if (!['sqlite', 'postgres'].includes(KIND)) throw new Error('--db must be sqlite or postgres');
const CONNECTIONS = Number(options.connections);
const DURATION = Number(options.duration);
const ROUNDS = Number(options.rounds);
const PHASES = new Set(options.phases.split(','));

/*
 * Stages, by call stack. A sample belongs to the first stage of SPECIFIC (in this order) that any
 * frame of its stack matches: a guard's stage keeps what it calls, unless what it calls is a more
 * specific stage (the HMAC inside the principal lookup is the lookup's, not the guard's). Samples
 * no specific stage claims go to the GENERIC stage of their innermost matching frame.
 */
const app = (file) => (frame) => frame.url.includes('/dist/') && frame.url.endsWith(file);
const lib = (pattern) => (frame) => pattern.test(frame.url);
const SPECIFIC = [
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  [
    'log line (pino)',
    (frame) =>
      lib(/node_modules\/(pino|sonic-boom|fast-redact|@pinojs|on-exit-leak-free)\//)(frame) ||
      lib(/fastify\/lib\/logger/)(frame) ||
      app('/common/logging/logging.js')(frame),
  ],
  // Before mapping: the repository's reads run the statement, then map its rows in the same function.
  [
    'SQL (driver and statement)',
    (frame) =>
      lib(/node_modules\/(better-sqlite3|pg|pg-protocol|pg-pool|pg-types|typeorm)\//)(frame) ||
      (app('/prepared-query.js')(frame) && !/^row/.test(frame.functionName)),
  ],
  [
    'mapping (rows and entities to the answer)',
    (frame) =>
      frame.url.endsWith('.mapper.js') ||
      (app('/personal-access-token.repository.js')(frame) &&
        /^(findOne|findBySecretHash|owner)$/.test(frame.functionName)) ||
      (app('/prepared-query.js')(frame) && /^row/.test(frame.functionName)),
  ],
  [
    'serialisation',
    (frame) =>
      lib(/fast-json-stringify|fast-json-stringify-compiler/)(frame) ||
      (frame.functionName === 'stringify' && frame.url === '') ||
      (frame.functionName === 'serialize' && frame.url.includes('fastify/lib/')),
  ],
  [
    'principal lookup (secret check, HMAC, cache)',
    (frame) =>
      /\/(principal-resolver\.service|principal-cache|secret-hasher\.service|token-secret|token-expiry)\.js$/.test(
        frame.url,
      ),
  ],
  [
    'bearer guard (passport and its wrapping)',
    (frame) =>
      lib(/node_modules\/(@nestjs\/passport|passport|passport-http-bearer|passport-strategy)\//)(
        frame,
      ) ||
      /\/(bearer-auth\.guard|bearer\.strategy|failed-authentication-throttle)\.js$/.test(frame.url),
  ],
  ['AdminGuard', (frame) => frame.className === 'AdminGuard'],
  [
    'access rule guard',
    (frame) =>
      /\/(access-rule|permissions)\.js$/.test(frame.url) ||
      lib(/@nestjs\/core\/(guards|services\/reflector)/)(frame),
  ],
  [
    'pipes (validation of parameters)',
    (frame) =>
      frame.url.endsWith('.pipe.js') ||
      lib(
        /node_modules\/(class-validator|class-transformer)\/|@nestjs\/common\/pipes|@nestjs\/core\/pipes/,
      )(frame),
  ],
  [
    'handler (controller, service, parameter decorators)',
    (frame) =>
      frame.url.includes('/dist/') &&
      /\.(controller|service)\.js$|\/decorators\/.*\.js$/.test(frame.url),
  ],
];
const GENERIC = [
  ['routing (find-my-way)', lib(/node_modules\/find-my-way\//)],
  [
    'onRequest hook (security headers, request id, log context)',
    (frame) =>
      app('/app.factory.js')(frame) ||
      app('/security-headers.js')(frame) ||
      /async_local_storage|async_hooks/.test(frame.url),
  ],
  ['NestJS pipeline (router, contexts, interceptors)', lib(/node_modules\/@nestjs\//)],
  ['Fastify request lifecycle', lib(/node_modules\/(fastify|@fastify|avvio|light-my-request)\//)],
  [
    'write (node:http, socket)',
    (frame) =>
      /node:_http_outgoing|node:internal\/stream_base_commons/.test(frame.url) ||
      (frame.url === 'node:net' && /write|end/i.test(frame.functionName)) ||
      /^(writev|writeUtf8String|writeLatin1String|writeBuffer)$/.test(frame.functionName),
  ],
  [
    'HTTP parsing (node:http)',
    (frame) =>
      /node:_http_(server|common|incoming)/.test(frame.url) || frame.functionName === 'execute',
  ],
  [
    'promises and timers',
    (frame) => /node:internal\/(process\/task_queues|timers)/.test(frame.url),
  ],
];
const UNATTRIBUTED = 'native, outside any JavaScript frame (libuv, syscalls, V8)';
const IDLE = new Set(['(idle)', '(root)']);

/** The class a dist/ frame's line falls in (to tell two guards of one file apart). */
const classLines = new Map();
function classOf(url, line) {
  if (!url.includes('/dist/')) return undefined;
  if (!classLines.has(url)) {
    const starts = [];
    try {
      readFileSync(new URL(url), 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const match = /^(?:let|class)\s+(\w+)/.exec(text);
          if (match && /class\b/.test(text)) starts.push([index, match[1]]);
        });
    } catch {
      // not a file URL
    }
    classLines.set(url, starts);
  }
  let found;
  for (const [start, name] of classLines.get(url)) if (start <= line) found = name;
  return found;
}

/** µs per stage, of the samples taken in [from, to] (monotonic µs), from a .cpuprofile. */
function attribute(profile, from, to) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOf = new Map();
  const resolve = (id) => {
    if (stageOf.has(id)) return stageOf.get(id);
    const path = [];
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = nodes.get(at);
      path.push({ ...callFrame, className: classOf(callFrame.url, callFrame.lineNumber) });
    }
    let stage;
    if (IDLE.has(path[0].functionName)) stage = null;
    for (const [name, test] of SPECIFIC) {
      if (stage !== undefined) break;
      if (path.some(test)) stage = name;
    }
    for (const frame of path) {
      if (stage !== undefined) break;
      stage = GENERIC.find(([, test]) => test(frame))?.[0];
    }
    stage ??= UNATTRIBUTED;
    stageOf.set(id, stage);
    return stage;
  };
  const totals = new Map();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < from || at > to) continue;
    const stage = resolve(profile.samples[i]);
    if (stage === null) continue;
    const duration = profile.timeDeltas[i + 1] ?? Number(options.interval);
    totals.set(stage, (totals.get(stage) ?? 0) + duration);
  }
  return totals;
}

const ORDER = [...SPECIFIC.map(([name]) => name), ...GENERIC.map(([name]) => name), UNATTRIBUTED];

/** What each removal switches off, per route (a stage the route does not run is not removed). */
const REMOVALS = {
  documented: [
    ['authentication, whole (bearer guard and lookup)', 'authentication'],
    ['passport (guard calls the resolver directly)', 'passport'],
    ['principal lookup (answered from a memo)', 'lookup'],
    ['access rule guard', 'access-rule'],
    ['AdminGuard', 'admin-guard'],
    ['pipes', 'pipes'],
    ['SQL (token read answered from a memo)', 'sql'],
    ['mapping', 'mapping'],
    ['serialisation (answer serialised once)', 'serialisation'],
    ['log line', 'log'],
    [
      'all of the above',
      'authentication,access-rule,admin-guard,pipes,sql,mapping,serialisation,log',
    ],
  ],
  profile: [
    ['authentication, whole (bearer guard and lookup)', 'authentication'],
    ['passport (guard calls the resolver directly)', 'passport'],
    ['principal lookup (answered from a memo)', 'lookup'],
    ['access rule guard', 'access-rule'],
    ['mapping', 'mapping'],
    ['serialisation (answer serialised once)', 'serialisation'],
    ['log line', 'log'],
    ['all of the above', 'authentication,access-rule,mapping,serialisation,log'],
  ],
};

/** Levers compared side by side: what they replaced, switched back on at run time. */
const LEVERS = [
  ['answers serialised by JSON.stringify (no compiled serialiser)', 'json-stringify'],
];

/**
 * The profile's stage totals over a load's window, as µs of CPU per request. The sampler ticks on
 * wall time, so a sample also lands while the server waits for a core (the machine is shared): the
 * shares of the samples are kept, and scaled to the CPU time the server really used in the window.
 */
function budgetOf(profile, row) {
  const totals = attribute(
    profile,
    Number(row.window.startedAt / 1000n),
    Number(row.window.endedAt / 1000n),
  );
  const sampled = [...totals.values()].reduce((a, b) => a + b, 0);
  if (sampled === 0) throw new Error('no profile samples fell in the load window');
  const budget = Object.fromEntries(
    ORDER.filter((stage) => totals.has(stage)).map((stage) => [
      stage,
      +((row.cpuMicrosPerRequest * totals.get(stage)) / sampled).toFixed(1),
    ]),
  );
  budget.total = row.cpuMicrosPerRequest;
  budget.sampledMicrosPerRequest = Math.round(sampled / row.requests);
  budget.requests = row.requests;
  return budget;
}

function profileTable(budget) {
  const cell = (route, stage) =>
    `${budget[route][stage] ?? 0} | ${((100 * (budget[route][stage] ?? 0)) / budget[route].total).toFixed(0)}%`;
  return [
    '| stage | documented GET µs | share | GET /api/profile µs | share |',
    '|---|---|---|---|---|',
    ...ORDER.filter((stage) => stage in budget.documented || stage in budget.profile).map(
      (stage) => `| ${stage} | ${cell('documented', stage)} | ${cell('profile', stage)} |`,
    ),
    `| **total: server CPU per request (profiler on)** | **${budget.documented.total}** | 100% | **${budget.profile.total}** | 100% |`,
  ].join('\n');
}

function removalTable(rows, ceilingRate) {
  const share = (rate) => `${((100 * rate) / ceilingRate).toFixed(1)}%`;
  return [
    '| removed | CPU µs per request [range] | whole route beside it [range] | saves µs | share of ceiling (whole route) | p99 ms | failures |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.cpuMicrosPerRequest} [${row.spreadMicros.join('–')}] | ${row.whole.cpuMicrosPerRequest} [${row.whole.spreadMicros.join('–')}] | ${row.savedMicros} | ${share(row.reqPerSec)} (${share(row.whole.reqPerSec)}) | ${row.p99Ms} | ${row.failures} |`,
    ),
  ].join('\n');
}

async function main() {
  buildIfStale();
  const work = workFolder();
  const database = await prepareDatabase(KIND, work);
  const started = new Date().toISOString();
  const out =
    options.out ??
    join(ROOT, 'bench', 'results', `stages-${KIND}-${started.replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  const result = {
    date: started,
    machine: machine(),
    database: KIND,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    samplingMicros: Number(options.interval),
  };
  log(`stages on ${KIND}; ${CONNECTIONS} connections, ${DURATION} s a measurement`);

  // The database, seeded by a server that then stops: each phase starts its own.
  const seeder = await startServer(database.env, work, 'seed');
  const { admin, botId, documentedPath } = await seed(seeder);
  await bulkInsertTokens(database, botId, Number(options.tokens) - 1);
  const body = JSON.stringify(await api(seeder.base, admin, 'GET', documentedPath));
  await seeder.stop();
  const routes = { documented: documentedPath, profile: '/api/profile' };
  const target = (server, path) => [
    { url: `${server.base}${path}`, token: admin, pid: server.child.pid },
  ];
  const measure = (name, targets) => load(name, targets, DURATION, CONNECTIONS);
  // By count, not time: on a busy machine a few seconds may be too few requests to settle the JIT.
  const warm = (targets, amount) => load('warm-up', targets, 0, CONNECTIONS, { amount });
  const markdown = [];

  // 1. Profile.
  if (PHASES.has('profile')) {
    const profiles = join(work, 'profiles');
    const profiled = await startServer(database.env, work, 'profiled', {
      nodeArgs: [
        '--cpu-prof',
        `--cpu-prof-dir=${profiles}`,
        `--cpu-prof-interval=${options.interval}`,
      ],
    });
    const windows = {};
    for (const [route, path] of Object.entries(routes)) {
      await warm(target(profiled, path), 20_000);
      windows[route] = await measure(route, target(profiled, path));
    }
    await profiled.stop();
    const [file] = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
    copyFileSync(join(profiles, file), out.replace(/\.json$/, '.cpuprofile'));
    const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8'));
    result.profile = Object.fromEntries(
      Object.entries(windows).map(([route, row]) => [route, budgetOf(profile, row)]),
    );
    markdown.push(
      `Profile (CPU µs per request, one sample every ${options.interval} µs):`,
      '',
      profileTable(result.profile),
    );
  }

  // 2. Removal, and the levers side by side, on a server without the profiler. Each variant is
  // measured between two loads of the whole route, which it is compared with.
  if (PHASES.has('removal')) {
    const ceiling = await startCeiling(body, work);
    const switchesPort = await freePort();
    const server = await startServer(
      { ...database.env, STAGE_SWITCHES_PORT: String(switchesPort) },
      work,
      'switches',
      { nodeArgs: ['-r', join(__dirname, 'stage-switches.js')] },
    );
    const setOff = async (stages) => {
      await (await fetch(`http://127.0.0.1:${switchesPort}/?off=${stages}`)).text();
    };
    const ceilingTarget = [{ url: `${ceiling.base}/`, pid: ceiling.child.pid }];
    await warm(ceilingTarget, 20_000);
    const ceilingRows = [await measure('ceiling (node:http, same body)', ceilingTarget)];
    result.removal = {};
    for (const [route, path] of Object.entries(routes)) {
      await setOff('');
      await warm(target(server, path), 20_000);
      const rows = [];
      for (const [name, stages] of [...REMOVALS[route], ...LEVERS]) {
        // The whole route and the variant in turn, ROUNDS times; medians, which one noisy load
        // (the machine is shared) moves less than a mean.
        const wholes = [];
        const variants = [];
        for (let round = 0; round < ROUNDS; round++) {
          for (const [off, into] of [
            ['', wholes],
            [stages, variants],
          ]) {
            await setOff(off);
            await warm(target(server, path), 1_000);
            into.push(await measure(name, target(server, path)));
          }
        }
        await setOff('');
        const median = (loads, pick) => {
          const sorted = loads.map(pick).sort((a, b) => a - b);
          return sorted[Math.floor(sorted.length / 2)];
        };
        const figures = (loads) => ({
          cpuMicrosPerRequest: median(loads, (r) => r.cpuMicrosPerRequest),
          reqPerSec: median(loads, (r) => r.reqPerSec),
          p99Ms: median(loads, (r) => r.p99Ms),
          failures: loads.reduce((sum, r) => sum + r.failures, 0),
          spreadMicros: [
            Math.min(...loads.map((r) => r.cpuMicrosPerRequest)),
            Math.max(...loads.map((r) => r.cpuMicrosPerRequest)),
          ],
        });
        const whole = figures(wholes);
        const variant = figures(variants);
        rows.push({
          name,
          stages,
          ...variant,
          whole,
          savedMicros: whole.cpuMicrosPerRequest - variant.cpuMicrosPerRequest,
        });
      }
      result.removal[route] = rows;
    }
    await server.stop();
    ceilingRows.push(await measure('ceiling (node:http, same body)', ceilingTarget));
    const ceilingRate = Math.round((ceilingRows[0].reqPerSec + ceilingRows[1].reqPerSec) / 2);
    const ceilingMicros = Math.round(
      (ceilingRows[0].cpuMicrosPerRequest + ceilingRows[1].cpuMicrosPerRequest) / 2,
    );
    result.ceiling = ceilingRows.map(({ window: _window, ...row }) => row);
    markdown.push(
      '',
      `Removal, documented GET (medians of ${ROUNDS} rounds; ceiling: node:http, same body, ${ceilingRate} req/s and ${ceilingMicros} µs of CPU per request, the mean of a load before and one after):`,
      '',
      removalTable(result.removal.documented, ceilingRate),
      '',
      'Removal, GET /api/profile:',
      '',
      removalTable(result.removal.profile, ceilingRate),
    );
  }
  // 3. A V8 setting, side by side with what `npm start` runs.
  if (PHASES.has('node-options')) {
    const variants = [
      START_NODE_OPTIONS,
      `${START_NODE_OPTIONS} ${options['variant-node-options']}`,
    ];
    const servers = [];
    for (const [index, flags] of variants.entries()) {
      const nodeFlags = flags.split(' ').filter(Boolean);
      servers.push(await startServer(database.env, work, `options-${index}`, { nodeFlags }));
    }
    const rows = [];
    for (const [route, path] of Object.entries(routes)) {
      const loads = servers.map(() => []);
      for (const server of servers) await warm(target(server, path), 20_000);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [index, server] of servers.entries()) {
          loads[index].push(await measure(route, target(server, path)));
        }
      }
      for (const [index, nodeOptions] of variants.entries()) {
        const median = (pick) => {
          const sorted = loads[index].map(pick).sort((a, b) => a - b);
          return sorted[Math.floor(sorted.length / 2)];
        };
        rows.push({
          route,
          nodeOptions,
          cpuMicrosPerRequest: median((r) => r.cpuMicrosPerRequest),
          reqPerSec: median((r) => r.reqPerSec),
          p99Ms: median((r) => r.p99Ms),
          peakRssMb: Math.max(...loads[index].map((r) => r.serverRssMb)),
          failures: loads[index].reduce((sum, r) => sum + r.failures, 0),
        });
      }
    }
    result.nodeOptions = rows;
    markdown.push(
      '',
      `Node options (medians of ${ROUNDS} rounds, the two servers loaded in turn):`,
      '',
      '| route | node options | CPU µs per request | req/s | p99 ms | peak RSS MB | failures |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (row) =>
          `| ${row.route} | \`${row.nodeOptions}\` | ${row.cpuMicrosPerRequest} | ${row.reqPerSec} | ${row.p99Ms} | ${row.peakRssMb} | ${row.failures} |`,
      ),
    );
  }
  result.markdown = markdown.join('\n');
  process.stdout.write(`\n${result.markdown}\n\n`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out} and the profile beside it`);
}

run(main);
