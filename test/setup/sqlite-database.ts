import { rmSync } from 'node:fs';

afterAll(() => {
  if (process.env.TEST_DATA_DIR) {
    rmSync(process.env.TEST_DATA_DIR, { recursive: true, force: true });
  }
});
