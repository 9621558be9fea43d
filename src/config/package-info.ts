import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** name and version from package.json (one folder above src/ and dist/). */
export const packageInfo = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { name: string; version: string; license: string };
