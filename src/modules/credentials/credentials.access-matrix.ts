import { AccessMatrix, everyone } from '../../../test/support/access-matrix';
import { UNKNOWN_SECRET } from '../../../test/support/spec-helpers';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  // Public for secret scanners: the same answer for everyone.
  'POST /api/credentials/revoke': {
    answers: everyone(202),
    call: () => ({ body: { credentials: [UNKNOWN_SECRET] } }),
  },
};
