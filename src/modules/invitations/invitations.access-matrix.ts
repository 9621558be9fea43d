import {
  A_TOKEN_REQUEST,
  AccessMatrix,
  adminOnly,
  everyone,
} from '../../../test/support/access-matrix';
import { expectStatus } from '../../../test/support/http';
import { uniqueEmail } from '../../../test/support/spec-helpers';

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'POST /api/users': {
    answers: adminOnly(201),
    call: () => ({ body: { email: uniqueEmail('matrix-invited'), type: 'member' } }),
  },
  // No token needed: the invitation code is the credential; a token sent along changes nothing.
  'POST /api/invitations/accept': {
    answers: everyone(201),
    call: async ({ t }) => {
      const invited = await t
        .as(t.owner.token)
        .post('/api/users')
        .send({ email: uniqueEmail('matrix-joiner'), type: 'member' });
      expectStatus(invited, 201);
      return {
        body: {
          code: (invited.body as { invitation: { code: string } }).invitation.code,
          token: { ...A_TOKEN_REQUEST, permissions: ['documents'], allProjects: true },
        },
      };
    },
  },
};
