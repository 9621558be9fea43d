import { collectAccessMatrix, CORE_MODULES, describeAccessMatrix } from './support/access-matrix';
import { TestApp } from './support/test-app';

/**
 * Every route of the running app against every kind of caller (the callers and the row format:
 * test/support/access-matrix.ts). Each module keeps its rows in `<module>.access-matrix.ts` in its
 * own folder; a route the app serves without a row, or a row for a route it does not serve, fails
 * the first test.
 */
describe('Authorization matrix', () => {
  describeAccessMatrix({ start: () => TestApp.start(), matrix: collectAccessMatrix(CORE_MODULES) });
});
