import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Permission } from '../../src/modules/auth';
import { ProvisioningService } from '../../src/modules/provisioning/provisioning.service';
import { expectStatus } from './http';
import { unique, uniqueEmail, UNKNOWN_SECRET } from './spec-helpers';
import { TestApp } from './test-app';

/*
 * The authorization matrix: every route of the running app against every kind of caller. Each
 * module keeps the rows of its own routes in a `*.access-matrix.ts` file in its own folder,
 * exporting `accessMatrix`; the matrix test collects them. A route served without a row, or a row
 * for a route not served, fails the test.
 *
 * The callers (columns), each made afresh for every cell:
 *   anonymous     no Authorization header
 *   unknown       a well-formed token that belongs to nobody
 *   member        a member user holding `owner` on all projects
 *   narrowAdmin   an admin user holding `project:manage` on all projects (no `owner`)
 *   scopedAdmin   an admin user holding `owner` on the cell's project only (not all projects)
 *   ownerAdmin    an admin user holding `owner` on all projects
 *   disabled      ownerAdmin, whose user an owner has disabled
 *   otherProject  an admin user holding `owner` on another project than the cell's
 */
export const CALLERS = [
  'anonymous',
  'unknown',
  'member',
  'narrowAdmin',
  'scopedAdmin',
  'ownerAdmin',
  'disabled',
  'otherProject',
] as const;
export type CallerName = (typeof CALLERS)[number];

/** The status each caller gets, in the order of CALLERS. */
export type Answers = readonly [number, number, number, number, number, number, number, number];

/** Anyone, with a token or without, gets `status` (a token sent along changes nothing). */
export const everyone = (s: number): Answers => [s, s, s, s, s, s, s, s];
/** `@Authenticated()`: any valid token gets `status`; no token, an unknown one or a disabled user 401. */
export const anyToken = (s: number): Answers => [401, 401, s, s, s, s, 401, s];
/** `@AdminOnly()`: only an active admin with `owner` on all projects gets `status`. */
export const adminOnly = (s: number): Answers => [401, 401, 403, 403, 403, s, 401, 403];

export interface Caller {
  /** The secret to send, or null for no Authorization header. */
  token: string | null;
  /** Another token of the caller's own user, no broader than `token`. */
  siblingId: string;
}

export interface Cell {
  t: TestApp;
  /** A fresh, unprotected project: the one scopedAdmin holds and otherProject does not. */
  project: string;
  caller: Caller;
}

/** The path parameters and body of one cell's request. */
export interface Call {
  params?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** One route: who gets what, and how to call it (made afresh for every cell). */
export interface MatrixRow {
  answers: Answers;
  call: (cell: Cell) => Promise<Call> | Call;
}

/** A module's rows, keyed by `METHOD /path/{param}` as the OpenAPI document writes the path. */
export type AccessMatrix = Record<string, MatrixRow>;

/** A row's call whose path parameters a fixture makes afresh (a webhook, a service user's token). */
export const withParams =
  (make: (t: TestApp) => Promise<Record<string, string>>, body?: Record<string, unknown>) =>
  async ({ t }: Cell): Promise<Call> => ({ params: await make(t), body });

/** A token request any caller may make for itself: narrow, on no project, for a week. */
export const A_TOKEN_REQUEST = {
  note: 'matrix',
  permissions: ['project:manage'],
  allProjects: false,
  projects: [],
  expiry: 'week',
};

const ROWS_FILE = /\.access-matrix\.ts$/;

/**
 * Every `*.access-matrix.ts` below each of `folders` (a module folder, or a folder of modules),
 * merged into one matrix. A file that exports no `accessMatrix`, or two files with a row for the
 * same route, fail here.
 */
export function collectAccessMatrix(...folders: string[]): AccessMatrix {
  const matrix: AccessMatrix = {};
  const owners = new Map<string, string>();
  for (const folder of folders) {
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => ROWS_FILE.test(file))
      .sort();
    for (const file of files) {
      const path = join(folder, file);
      // Synchronous: the tests are declared from these rows, and jest declares no test later.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { accessMatrix } = require(path) as { accessMatrix?: AccessMatrix };
      if (!accessMatrix) {
        throw new Error(`${path} exports no accessMatrix`);
      }
      for (const [route, row] of Object.entries(accessMatrix)) {
        const owner = owners.get(route);
        if (owner) {
          throw new Error(`${route} has a row in ${owner} and in ${path}`);
        }
        owners.set(route, path);
        matrix[route] = row;
      }
    }
  }
  return matrix;
}

/** The folder of the core's modules. */
export const CORE_MODULES = join(__dirname, '..', '..', 'src', 'modules');

/**
 * The routes the running app serves, as `METHOD /path/{param}`: read from every controller's
 * route metadata, each checked against Fastify's own router (which also tells whether the global
 * `/api` prefix applies). Routes hidden from the OpenAPI document are found too.
 */
export function servedRoutes(app: NestFastifyApplication): string[] {
  const fastify = app.getHttpAdapter().getInstance();
  const scanner = new MetadataScanner();
  const trim = (part: string) => part.replace(/^\/+|\/+$/g, '');
  const routes = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as { prototype: Record<string, object> };
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) {
          continue;
        }
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) as string | string[]].flat();
        for (const base of bases) {
          for (const path of paths) {
            const local = `/${[base, path].map(trim).filter(Boolean).join('/')}`;
            const verb = RequestMethod[method];
            const url = [`/api${local}`, local].find((candidate) =>
              fastify.hasRoute({ method: verb, url: candidate }),
            );
            if (!url) {
              throw new Error(`${verb} ${local} is declared by a controller but not served`);
            }
            routes.add(`${verb} ${url.replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      }
    }
  }
  return [...routes].sort();
}

async function makeCaller(
  t: TestApp,
  name: CallerName,
  project: string,
  elsewhere: string,
): Promise<Caller> {
  const person = async (
    type: 'admin' | 'member',
    permissions: Permission[],
    projects?: string[],
  ): Promise<Caller & { userId: string }> => {
    const email = uniqueEmail(`matrix-${name}`);
    const grant = { permissions, allProjects: !projects, projects: projects ?? [] };
    const issued = await t.createPerson(email, type, grant);
    const sibling = await t.app
      .get(ProvisioningService)
      .createToken({ email, note: 'sibling', expiry: 'month', ...grant });
    return { token: issued.token, siblingId: sibling.tokenId, userId: issued.userId };
  };
  switch (name) {
    case 'anonymous':
      return { token: null, siblingId: t.owner.tokenId };
    case 'unknown':
      return { token: UNKNOWN_SECRET, siblingId: t.owner.tokenId };
    case 'member':
      return person('member', ['owner']);
    case 'narrowAdmin':
      return person('admin', ['project:manage']);
    case 'scopedAdmin':
      return person('admin', ['owner'], [project]);
    case 'ownerAdmin':
      return person('admin', ['owner']);
    case 'disabled': {
      const caller = await person('admin', ['owner']);
      const disable = t.as(t.owner.token).put(`/api/users/${caller.userId}`);
      expectStatus(await disable.send({ status: 'disabled' }), 200);
      return caller;
    }
    case 'otherProject':
      return person('admin', ['owner'], [elsewhere]);
  }
}

export interface MatrixOptions {
  /** Boots the app under test. */
  start: () => Promise<TestApp>;
  /** The rows: one for every route the app serves, and none other. */
  matrix: AccessMatrix;
  /** The rows whose every cell is called (default: all). */
  cells?: (route: string) => boolean;
}

/**
 * The matrix as tests: one that every route the app serves has exactly one row, then one test per
 * cell that calls the route as that caller and expects the row's status.
 */
export function describeAccessMatrix({ start, matrix, cells = () => true }: MatrixOptions): void {
  let t: TestApp;
  /** The project otherProject callers hold. */
  let elsewhere: string;

  beforeAll(async () => {
    t = await start();
    elsewhere = (await t.createProject('Elsewhere', unique('elsewhere'))).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('should have exactly one row per route the running app serves', async () => {
    const served = servedRoutes(t.app);
    expect(served).toContain('GET /api/users/{userId}');
    expect(served).toContain('GET /health');
    const docs = await t.http().get('/docs-json');
    expectStatus(docs, 200);
    const documented = Object.entries(docs.body.paths as Record<string, object>).flatMap(
      ([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // The enumeration misses nothing the OpenAPI document knows of.
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    const rows = Object.keys(matrix);
    // Named, so that a failure says which route lacks a row and which row has no route.
    expect({
      servedWithoutRow: served.filter((route) => !rows.includes(route)),
      rowWithoutRoute: rows.filter((route) => !served.includes(route)),
    }).toEqual({ servedWithoutRow: [], rowWithoutRoute: [] });
  });

  const called = Object.entries(matrix).filter(([route]) => cells(route));
  describe.each(called)('%s', (route, { answers, call }) => {
    const [verb, template] = route.split(' ');
    const method = verb.toLowerCase() as 'get' | 'post' | 'put' | 'delete';

    it.each(CALLERS.map((caller, index) => [caller, answers[index]] as const))(
      'should answer %s with %i',
      async (name, status) => {
        const project = (await t.createProject('Matrix target', unique('target'))).id;
        const caller = await makeCaller(t, name, project, elsewhere);
        const { params = {}, body } = await call({ t, project, caller });
        const path = template.replace(/\{(\w+)\}/g, (_match, param: string) => {
          if (!(param in params)) {
            throw new Error(`The row for ${route} gives no ${param}`);
          }
          return params[param];
        });
        let request = t.http()[method](path);
        if (caller.token !== null) {
          request = request.set('Authorization', `Bearer ${caller.token}`);
        }
        const response = await (body === undefined ? request : request.send(body));
        expectStatus(response, status);
        if (status === 401) {
          expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        }
      },
    );
  });
}
