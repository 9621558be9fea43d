import { AccessMatrix, anyToken } from '../../../test/support/access-matrix';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  // The gateway check: any valid token; 401 or 403 only, never 429.
  'GET /api/auth/verify': { answers: anyToken(200), call: () => ({}) },
};
