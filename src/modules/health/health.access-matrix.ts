import { AccessMatrix, everyone } from '../../../test/support/access-matrix';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /health': { answers: everyone(200), call: () => ({}) },
  'GET /health/ready': { answers: everyone(200), call: () => ({}) },
};
