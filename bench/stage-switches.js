/**
 * Preloaded into the server by `bench/stages.js` (node -r), never by `npm start`: lets the
 * benchmark remove one stage of the request at a time while the server runs, to measure what
 * that stage costs. A stage is removed by answering its result from a memo (the answer stays the
 * same) or by skipping it. The switches are set over HTTP on 127.0.0.1:STAGE_SWITCHES_PORT:
 * `GET /?off=sql,log` (nothing after `off=` puts every stage back).
 */
require('reflect-metadata');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { createServer } = require('node:http');
const { join } = require('node:path');

const DIST = join(__dirname, '..', 'dist');
const off = new Set();

/** The dist module exporting `name`, wherever the build put it. */
function exported(name) {
  const files = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.js')) files.push(path);
    }
  };
  walk(DIST);
  const pattern = new RegExp(`exports\\.${name} = ${name}\\b|exports\\.${name} = function`);
  for (const file of files) {
    if (pattern.test(readFileSync(file, 'utf8'))) return require(file);
  }
  throw new Error(`stage switches: nothing in dist/ exports ${name}`);
}

/** Replaces `owner[method]` by `replacement` while `stage` is off. */
function switchable(stage, owner, method, replacement) {
  const original = owner[method];
  if (typeof original !== 'function') throw new Error(`stage switches: no ${method} to replace`);
  owner[method] = function (...args) {
    return off.has(stage) ? replacement.call(this, original, args) : original.apply(this, args);
  };
}

/** Memoises by a key of the arguments (the benchmark asks the same thing over and over). */
function memo(key) {
  const answers = new Map();
  return function (original, args) {
    const k = key(args);
    if (!answers.has(k)) answers.set(k, original.apply(this, args));
    return answers.get(k);
  };
}

// The log line: Fastify's request log controller writes nothing.
switchable(
  'log',
  exported('RequestLogController').RequestLogController.prototype,
  'requestCompleted',
  () => {},
);

// The SQL: the token read answers what it answered the first time.
switchable(
  'sql',
  exported('PersonalAccessTokenRepository').PersonalAccessTokenRepository.prototype,
  'findOne',
  memo(([key]) => JSON.stringify(key)),
);

// The mapping: the mappers answer what they answered for the same entity.
const tokenMapper = exported('toTokenResponse');
switchable(
  'mapping',
  tokenMapper,
  'toTokenResponse',
  memo(([token]) => token.id),
);
const userMapper = exported('toUserResponse');
switchable(
  'mapping',
  userMapper,
  'toUserResponse',
  memo(([user]) => user.id),
);

// Authentication, whole: the principal the header authenticated the first time, no guard at all.
const principals = new Map();
const bearerGuard = exported('BearerAuthGuard').BearerAuthGuard.prototype;
const realCanActivate = bearerGuard.canActivate;
bearerGuard.canActivate = async function (context) {
  const request = context.switchToHttp().getRequest();
  const header = request.headers.authorization;
  const known = principals.get(header);
  if (off.has('authentication') && known) {
    request.user = known;
    return true;
  }
  if (off.has('passport') && known && resolver) {
    request.user = await resolver.resolve(header.slice('Bearer '.length), request.ip);
    return true;
  }
  const allowed = await realCanActivate.call(this, context);
  if (request.user) principals.set(header, request.user);
  return allowed;
};

// Passport: the guard calls the principal resolver itself instead of going through passport.
let resolver;
const resolverClass = exported('PrincipalResolver').PrincipalResolver.prototype;
const realResolve = resolverClass.resolve;
resolverClass.resolve = function (...args) {
  resolver = this;
  return realResolve.apply(this, args);
};

// The principal lookup (well-formedness, HMAC, cache, expiry, last-use bookkeeping).
switchable(
  'lookup',
  resolverClass,
  'resolve',
  memo(([secret]) => secret),
);

// The access rules: the declared rule's evaluation in the global guard, and AdminGuard.
switchable('access-rule', exported('evaluateAccess'), 'evaluateAccess', () => ({ allowed: true }));
switchable('admin-guard', exported('AdminGuard').AdminGuard.prototype, 'canActivate', () => true);

// The pipes: path parameters pass as they are (the benchmark sends lower-case UUIDs).
switchable(
  'pipes',
  exported('ParseUuidPipe').ParseUuidPipe.prototype,
  'transform',
  (_, [value]) => value,
);
switchable(
  'pipes',
  exported('RejectUnsafeInputPipe').RejectUnsafeInputPipe.prototype,
  'transform',
  (_, [value]) => value,
);
const { ValidationPipe } = require('@nestjs/common');
switchable('pipes', ValidationPipe.prototype, 'transform', (_, [value]) => value);

// Serialisation: `serialisation` answers the body serialised the first time (no serialiser);
// `json-stringify` serialises with JSON.stringify instead of the route's compiled serialiser.
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const realReply = FastifyAdapter.prototype.reply;
const bodies = new Map();
FastifyAdapter.prototype.reply = function (reply, body, statusCode) {
  const plain = body !== null && typeof body === 'object' && typeof reply.serializer === 'function';
  if (plain && off.has('serialisation')) {
    const key = `${reply.request.url} ${statusCode}`;
    if (!bodies.has(key)) bodies.set(key, JSON.stringify(body));
    reply.type('application/json; charset=utf-8');
    return realReply.call(this, reply, bodies.get(key), statusCode);
  }
  if (plain && off.has('json-stringify')) reply.serializer(JSON.stringify);
  return realReply.call(this, reply, body, statusCode);
};

createServer((request, response) => {
  const wanted = new URL(request.url, 'http://switches').searchParams.get('off') ?? '';
  off.clear();
  for (const stage of wanted.split(',').filter(Boolean)) off.add(stage);
  response.end(JSON.stringify([...off]));
}).listen(Number(process.env.STAGE_SWITCHES_PORT), '127.0.0.1');
