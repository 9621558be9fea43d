import { AccessMatrix, adminOnly, anyToken } from '../../../test/support/access-matrix';
import { uniqueEmail } from '../../../test/support/spec-helpers';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /api/users': { answers: adminOnly(200), call: () => ({}) },
  'POST /api/users/service': {
    answers: adminOnly(201),
    call: () => ({ body: { email: uniqueEmail('matrix-new-bot') } }),
  },
  'GET /api/users/{userId}': {
    answers: adminOnly(200),
    call: ({ t }) => ({ params: { userId: t.owner.userId } }),
  },
  'PUT /api/users/{userId}': {
    answers: adminOnly(200),
    call: async ({ t }) => ({
      params: { userId: (await t.createPerson(uniqueEmail('matrix-target'), 'member')).userId },
      body: { firstName: 'Renamed' },
    }),
  },
  'DELETE /api/users/{userId}': {
    answers: adminOnly(200),
    call: async ({ t }) => ({
      params: { userId: (await t.createPerson(uniqueEmail('matrix-leaver'), 'member')).userId },
    }),
  },
  'GET /api/profile': { answers: anyToken(200), call: () => ({}) },
  'PUT /api/profile': { answers: anyToken(200), call: () => ({ body: { firstName: 'Matrix' } }) },
};
