import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Every migration file under a folder: `<module>/migrations/<sqlite|postgres>/<timestamp>-<Name>.ts`. */
function migrationFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (!entry.isDirectory()) {
      return /[/\\]migrations[/\\](sqlite|postgres)[/\\][^/\\]+\.ts$/.test(path) &&
        !path.endsWith('.spec.ts')
        ? [path]
        : [];
    }
    return migrationFiles(path);
  });
}

/*
 * A migration's name, as each database records it once applied, is its class name (TypeORM reads
 * it when the class sets no `name`). Renaming a class would make every database run it again:
 * each class name is held to its file's name, which says the same thing. The example module's
 * migrations (kept as TypeORM generates them, with a `name`) are held to it too.
 */
describe('migration names', () => {
  const files = [join(ROOT, 'src'), join(ROOT, 'examples')]
    .flatMap(migrationFiles)
    .map((file) => relative(ROOT, file));

  it('should find the migrations of both databases', () => {
    expect(files.filter((file) => file.includes('sqlite')).length).toBeGreaterThan(5);
    expect(files.filter((file) => file.includes('postgres')).length).toBeGreaterThan(5);
  });

  it.each(files.map((file) => [file]))(
    '%s exports one migration class named <Name><timestamp> after its file',
    (file) => {
      const [, timestamp, name] = /^(\d{13})-([A-Z][A-Za-z0-9]*)\.ts$/.exec(basename(file)) ?? [];
      expect(name).toBeDefined();
      const exported = Object.values(jest.requireActual<Record<string, unknown>>(join(ROOT, file)));
      expect(exported).toHaveLength(1);
      const [migration] = exported as (new () => { name?: string; up: unknown; down: unknown })[];
      expect(migration.name).toBe(`${name}${timestamp}`);
      const instance = new migration();
      expect(instance.name ?? migration.name).toBe(`${name}${timestamp}`);
      expect(typeof instance.up).toBe('function');
      expect(typeof instance.down).toBe('function');
    },
  );
});
