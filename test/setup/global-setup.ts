import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Tests that start the server or the command-line tool as a process run the built dist/. */
export default function globalSetup(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build-if-stale.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
