import './config/load-env-file';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { HttpException, INestApplicationContext, Logger, LoggerService } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/*
 * The command-line tool: `npm run -s cli -- <command> [options]`. Everything but a command's
 * result goes to stderr, so that the last line of stdout is machine-readable JSON.
 * Exit codes: 0 done, 1 unexpected failure (database down, ...), 2 bad arguments, 3 refused
 * (the user exists, no such user, ...).
 */

const EXIT = { ok: 0, failure: 1, usage: 2, refused: 3 } as const;

class UsageError extends Error {}
class RefusedError extends Error {}

/** Nest's contexts that report the failure ending a command, which main() prints once itself. */
const REPORTED_BY_MAIN = new Set(['ExceptionHandler', 'TypeOrmModule']);

const stderrLogger: LoggerService = {
  log: () => undefined,
  // Nest calls error(message, stack?, context): the context comes last.
  error: (message: unknown, ...rest: unknown[]) => {
    if (!REPORTED_BY_MAIN.has(String(rest.at(-1)))) {
      process.stderr.write(`error: ${String(message)}\n`);
    }
  },
  warn: (message: unknown) => process.stderr.write(`warning: ${String(message)}\n`),
};

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>): Promise<unknown>;
}

const EXPIRY_HELP = 'week | month | three_months | year | indefinite';

const commands: Record<string, Command> = {
  'create-admin': {
    summary: 'Create an admin (a person) with an owner token on all projects',
    usage: `create-admin --email <email> [--type admin|owner] [--expiry <${EXPIRY_HELP}>]
  --email    the new admin's email address (required)
  --type     admin (default) or owner
  --expiry   the token's lifetime (default month)
Prints {"userId", "tokenId", "token"} as the last line of stdout.`,
    options: {
      email: { type: 'string' },
      type: { type: 'string', default: 'admin' },
      expiry: { type: 'string', default: 'month' },
    },
    async run(values) {
      const email = await validEmail(required(values, 'email'));
      const type = oneOf(values.type, 'type', ['admin', 'owner'] as const);
      const dto = await validTokenRequest({
        note: 'Admin token',
        allProjects: true,
        permissions: ['owner'],
        expiry: values.expiry,
      });
      return withContext(async (context) => {
        const { ProvisioningService } = await import('./modules/provisioning/provisioning.service');
        return context.get(ProvisioningService).createAdmin({ email, type, expiry: dto.expiry });
      });
    },
  },
  'create-token': {
    summary: "Create a token for an existing user (a person's first token, say)",
    usage: `create-token --email <email> --permissions <p1,p2> (--all-projects | --projects <id1,id2>)
             --expiry <${EXPIRY_HELP}> [--note <text>]
  --email         the user's email address (required)
  --permissions   comma-separated permissions, e.g. owner or releases:deploy,documents (required)
  --all-projects  usable on every project
  --projects      comma-separated project ids (when not --all-projects)
  --expiry        the token's lifetime (required)
  --note          a note to recognise the token by (default "Command-line token")
Prints {"userId", "tokenId", "token"} as the last line of stdout.`,
    options: {
      email: { type: 'string' },
      permissions: { type: 'string' },
      'all-projects': { type: 'boolean', default: false },
      projects: { type: 'string' },
      expiry: { type: 'string' },
      note: { type: 'string', default: 'Command-line token' },
    },
    async run(values) {
      const email = await validEmail(required(values, 'email'));
      const allProjects = values['all-projects'] === true;
      if (allProjects && values.projects !== undefined) {
        throw new UsageError('give either --all-projects or --projects, not both');
      }
      if (!allProjects && values.projects === undefined) {
        throw new UsageError('give --all-projects or --projects <id1,id2>');
      }
      const dto = await validTokenRequest({
        note: values.note,
        allProjects,
        projects: list(values.projects),
        permissions: list(required(values, 'permissions')),
        expiry: required(values, 'expiry'),
      });
      return withContext(async (context) => {
        const { ProvisioningService } = await import('./modules/provisioning/provisioning.service');
        return context.get(ProvisioningService).createToken({ ...dto, email });
      });
    },
  },
  migrate: {
    summary: 'Apply the pending migrations to the database of the settings (npm run migration:run)',
    usage: `migrate
Applies every migration the database lacks, each in a transaction, under the same lock as a
starting server. Needs only the built service (dist/) and its production dependencies. Prints
{"applied": [names]} as the last line of stdout.`,
    options: {},
    async run() {
      // Only the database layer: no module, no entity, nothing a migration does not need. Its
      // log lines go to stderr (warnings) or nowhere: stdout ends with the result.
      Logger.overrideLogger(stderrLogger);
      const { DataSource } = await import('typeorm');
      const { readDatabaseConfig } = await import('./config/database.config');
      const { buildTypeOrmOptions } = await import('./database/typeorm-options');
      const { secureSqliteFile } = await import('./database/sqlite-file');
      const { applyMigrations } = await import('./database/migrations-state');
      const config = readDatabaseConfig();
      if (config.kind === 'sqlite') {
        secureSqliteFile(config.sqlitePath);
      }
      const dataSource = await new DataSource(buildTypeOrmOptions(config)).initialize();
      try {
        return { applied: await applyMigrations(dataSource) };
      } finally {
        await dataSource.destroy();
      }
    },
  },
  openapi: {
    summary: 'Write the OpenAPI document (what /docs-json serves) to a file',
    usage: `openapi [--out <file>]
  --out   where to write it (default openapi.json)
Needs no database: it boots the app on an in-memory SQLite database.`,
    options: { out: { type: 'string', default: 'openapi.json' } },
    async run(values) {
      const out = String(values.out);
      // Entity column types depend on the database kind, read when the app's modules load.
      delete process.env.DATABASE_URL;
      process.env.SQLITE_PATH = ':memory:';
      process.env.LOG_LEVEL = 'error';
      const { createApp } = await import('./app.factory');
      const { buildOpenApiDocument } = await import('./common/openapi/openapi');
      const app = await createApp();
      try {
        writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
      } finally {
        await app.close();
      }
      return { written: out };
    },
  },
};

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required`);
  }
  return value.trim();
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
}

function list(value: string | boolean | undefined): string[] | undefined {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : undefined;
}

/** The same validation as the HTTP API's, through the same DTO. */
function validated<T extends object>(schema: new () => T, input: Record<string, unknown>): T {
  const dto = plainToInstance(schema, input);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw new UsageError(messages.join('; '));
  }
  return dto;
}

async function validTokenRequest(input: Record<string, unknown>) {
  // Loaded lazily: the DTO's module graph reaches the entities, whose column types need the env.
  const { CreateTokenDto } =
    await import('./modules/personal-access-tokens/dto/token-requests.dto');
  return validated(CreateTokenDto, input);
}

/** An email the API would accept (as written: the users service stores its canonical form). */
async function validEmail(email: string): Promise<string> {
  const { UserEmailDto } = await import('./modules/users/dto/user-requests.dto');
  validated(UserEmailDto, { email });
  return email;
}

async function withContext<T>(work: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module');
  const { ProvisioningError } = await import('./modules/provisioning/provisioning.service');
  const context = await NestFactory.createApplicationContext(AppModule, {
    logger: stderrLogger,
    abortOnError: false,
  });
  try {
    return await work(context);
  } catch (error) {
    if (error instanceof ProvisioningError) {
      throw new RefusedError(error.message);
    }
    // What the API would answer with a 4xx: bad input (an unknown project id) is a bad argument,
    // anything else (a conflict, no such user) is refused.
    if (error instanceof HttpException && error.getStatus() < 500) {
      throw error.getStatus() === 400
        ? new UsageError(error.message)
        : new RefusedError(error.message);
    }
    throw error;
  } finally {
    await context.close();
  }
}

function help(): string {
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(14)}${command.summary}`,
  );
  return `usage: npm run -s cli -- <command> [options]

commands:
${lines.join('\n')}

Run \`npm run -s cli -- <command> --help\` for a command's options. Settings (DATABASE_URL,
SQLITE_PATH, TOKEN_PEPPER, ...) are the server's. Exit codes: 0 done, 1 failure, 2 bad arguments,
3 refused.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: npm run -s cli -- ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument "${positionals[0]}"`);
    }
    const result = await command.run(values as Record<string, string | boolean | undefined>);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`error: ${message}\nusage: npm run -s cli -- ${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof RefusedError) {
      process.stderr.write(`error: ${message}\n`);
      return EXIT.refused;
    }
    const { isDatabaseUnavailable } = await import('./database/database-errors');
    const cause = isDatabaseUnavailable(error) ? 'cannot reach the database: ' : '';
    process.stderr.write(`error: ${cause}${message}\n`);
    return EXIT.failure;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exit(EXIT.failure);
  },
);
