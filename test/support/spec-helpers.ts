import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TestApp } from './test-app';

/** Helpers shared by the end-to-end specs of the tokens, users, projects and the access matrix. */

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `opat_`, 43 base62 characters of randomness and a 6-character checksum. */
export const SECRET = /^opat_[0-9A-Za-z]{49}$/;
/** Well-formed (prefix, length and checksum) but belonging to no token. */
export const UNKNOWN_SECRET = 'opat_0000000000000000000000000000000000000000000000000';
export const DAY_MS = 24 * 60 * 60 * 1000;

/** A JSON object, as sent or answered. */
export type Json = Record<string, unknown>;

export interface UserBody {
  id: string;
  email: string;
  type: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  firstName: string | null;
  lastName: string | null;
  isService: boolean;
}

export interface ProjectBody {
  id: string;
  name: string;
  organisationId: string;
  version: string;
  createdAt: string;
  updatedAt: string;
  key: string;
  protected: boolean;
}

export interface TokenBody {
  id: string;
  note: string;
  permissions: string[];
  allProjects: boolean;
  projects: ProjectBody[];
  user: UserBody;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  allowedIps: string[];
  secretHint: string;
  token?: string;
}

/** A token as create and regenerate answer it: with its secret, this once. */
export type CreatedTokenBody = TokenBody & { token: string };

export interface PageBody<T> {
  results: T[];
  paginate: { current: number; from: number; to: number; total: number; pageSize: number };
}

export const USER_FIELDS = [
  'createdAt',
  'email',
  'firstName',
  'id',
  'isService',
  'lastName',
  'status',
  'type',
  'updatedAt',
];

export const PROJECT_FIELDS = [
  'createdAt',
  'id',
  'key',
  'name',
  'organisationId',
  'protected',
  'updatedAt',
  'version',
];

const run = randomBytes(3).toString('hex');
let counter = 0;

/** A name no other test of this run uses: lower-case letters, digits and dashes. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${run}-${counter}`;
}

export function uniqueEmail(prefix: string): string {
  return `${unique(prefix)}@example.com`;
}

/** The error messages of a 4xx answer, always as a list. */
export function messagesOf(response: request.Response): string[] {
  const message = (response.body as { message?: unknown }).message;
  return Array.isArray(message) ? message.map(String) : [String(message)];
}

/** 400, and at least one message names `field` as a whole word. */
export function expectBadRequestNaming(response: request.Response, field: string): void {
  if (response.status !== 400) {
    throw new Error(
      `expected HTTP 400 naming ${field}, got ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  const word = new RegExp(`(^|[^A-Za-z])${field}([^A-Za-z]|$)`);
  expect(messagesOf(response).some((message) => word.test(message))).toBe(true);
}

/** Repeats `probe` until `accept` holds or `timeoutMs` passes; answers the last value. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 3000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs SQL written with `?` placeholders on either database. */
export function query<T = Record<string, unknown>>(
  t: TestApp,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  let index = 0;
  const text = t.kind === 'postgres' ? sql.replace(/\?/g, () => `$${++index}`) : sql;
  return t.database.query(text, parameters);
}

/** Every row of every table of the database, as one JSON text. */
export async function databaseDump(t: TestApp): Promise<string> {
  const tables = await query<{ name: string }>(
    t,
    t.kind === 'postgres'
      ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
      : "SELECT name FROM sqlite_master WHERE type = 'table'",
  );
  expect(tables.map(({ name }) => name)).toContain('personal_access_tokens');
  const rows = await Promise.all(tables.map(({ name }) => query(t, `SELECT * FROM "${name}"`)));
  return JSON.stringify(rows);
}
