import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
// Every module's settings are registered as its module loads: the app's graph registers them all.
import '../src/app.module';
import {
  ConfigValidationError,
  settingsClasses,
  settingsHelp,
  validateSettings,
} from '../src/config/environment';
import { undescribedSettings } from '../src/config/settings';
import { processEnv } from './support/child-process';

/*
 * One description per setting, beside its validation (src/config/settings.ts): what it does
 * (@About) and what it accepts (its rule's own wording). `node dist/main.js --help` prints it and
 * .env.example says the same.
 */

const ROOT = join(__dirname, '..');
const EXAMPLE_LINE = /^(# )?([A-Z][A-Z0-9_]*)=("[^"]*"|\S*) {2}# (.+)$/;

/** The settings class that validates `name`. */
function schemaOf(name: string): new () => object {
  const schema = settingsClasses().find((candidate) =>
    getMetadataStorage()
      .getTargetValidationMetadatas(candidate, '', false, false)
      .some((metadata) => metadata.propertyName === name),
  );
  if (!schema) {
    throw new Error(`no settings class validates ${name}`);
  }
  return schema;
}

/** Whether `value` is accepted for `name` (the other settings at their defaults). */
function accepts(name: string, value: string): boolean {
  // TOKEN_PEPPER is required with DATABASE_URL: give it, so that only `name` is judged.
  const env: Record<string, string> = { [name]: value, TOKEN_PEPPER: 'p'.repeat(32) };
  try {
    validateSettings(schemaOf(name), env);
    return true;
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return false;
    }
    throw error;
  }
}

describe('settings', () => {
  const help = settingsHelp();
  const described = (name: string) => help.find((setting) => setting.name === name);

  it('should describe every setting that is validated, in core and modules: what it does and what it accepts', () => {
    const validated = settingsClasses().flatMap((schema) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(schema, '', false, false)
        .map((metadata) => metadata.propertyName),
    );
    expect(validated).toEqual(
      expect.arrayContaining(['DATABASE_POOL_SIZE', 'WEBHOOK_TIMEOUT_SECONDS']),
    );
    expect([...new Set(validated)].filter((name) => !described(name))).toEqual([]);
    expect(undescribedSettings(settingsClasses())).toEqual([]);
    // What it accepts is the validation's own wording.
    expect(described('DATABASE_POOL_SIZE')?.description).toMatch(/: an integer between 2 and 200$/);
    expect(accepts('DATABASE_POOL_SIZE', '1')).toBe(false);
    expect(accepts('DATABASE_POOL_SIZE', '2')).toBe(true);
  });

  describe('.env.example', () => {
    const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
    const settingLines = lines.filter((line) => /^(# )?[A-Z][A-Z0-9_]*=/.test(line));

    it('should list every setting once (ENV_FILE, which names the file, aside), and nothing else', () => {
      const names = settingLines.map((line) => /^(# )?([A-Z0-9_]+)=/.exec(line)![2]);
      expect(names.length).toBe(new Set(names).size);
      expect([...names].sort()).toEqual(
        help
          .map(({ name }) => name)
          .filter((name) => name !== 'ENV_FILE')
          .sort(),
      );
    });

    it("should say of each what the setting's description says, give its default, and examples that are valid", () => {
      for (const line of settingLines) {
        const match = EXAMPLE_LINE.exec(line);
        expect({ line, parsed: match !== null }).toEqual({ line, parsed: true });
        const [, commented, name, quoted, description] = match!;
        const value = quoted.replace(/^"(.*)"$/, '$1');
        const setting = described(name)!;
        expect({ name, description }).toEqual({ name, description: setting.description });
        if (commented) {
          // An example of a setting that is unset by default; <…> marks a value to make up.
          expect({ name, defaultValue: setting.defaultValue }).toEqual({
            name,
            defaultValue: undefined,
          });
          if (!value.startsWith('<')) {
            expect({ name, value, accepted: accepts(name, value) }).toEqual({
              name,
              value,
              accepted: true,
            });
          }
        } else {
          expect({ name, value }).toEqual({ name, value: setting.defaultValue });
        }
      }
    });
  });

  describe('node dist/main.js --help', () => {
    it('should print every setting with its description and default, start nothing, and exit 0', () => {
      // A database that cannot be opened: --help must not try.
      const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js'), '--help'], {
        env: processEnv({ SQLITE_PATH: '/nonexistent/folder/app.sqlite' }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^usage: node dist\/main\.js/);
      for (const { name, description, defaultValue } of help) {
        expect(result.stdout).toContain(name);
        expect(result.stdout).toContain(description);
        expect(result.stdout).toContain(`default: ${defaultValue ?? 'unset'}`);
      }
      expect(result.stdout).not.toMatch(/Serving the API|FIRST ADMIN TOKEN/);
      expect(result.stdout).toContain('node dist/cli.js migrate');
    });

    it('should refuse an argument it does not know with exit 2, naming it, and start nothing', () => {
      const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js'), '--port=80'], {
        env: processEnv({ SQLITE_PATH: '/nonexistent/folder/app.sqlite' }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^unknown argument: --port=80\n/);
      expect(result.stdout).toBe('');
    });
  });
});
