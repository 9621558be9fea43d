import { AccessMatrix, adminOnly } from '../../../test/support/access-matrix';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /api/audit-log': { answers: adminOnly(200), call: () => ({}) },
};
