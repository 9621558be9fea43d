import {
  A_TOKEN_REQUEST,
  AccessMatrix,
  adminOnly,
  anyToken,
  withParams,
} from '../../../test/support/access-matrix';
import { uniqueEmail } from '../../../test/support/spec-helpers';
import { TestApp } from '../../../test/support/test-app';

/** A service user with a token, made by the owner: the target of the service-user token routes. */
async function serviceUserToken(t: TestApp): Promise<Record<string, string>> {
  const bot = await t.createServiceUser(uniqueEmail('matrix-bot'));
  const issued = await t.createServiceUserToken(bot.id, { expiry: 'week' });
  return { userId: bot.id, patId: issued.tokenId };
}

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /api/personal-access-tokens': { answers: anyToken(200), call: () => ({}) },
  'POST /api/personal-access-tokens': {
    answers: anyToken(201),
    call: () => ({ body: A_TOKEN_REQUEST }),
  },
  'POST /api/personal-access-tokens/lookup': {
    answers: adminOnly(200),
    call: ({ t }) => ({ body: { token: t.owner.token } }),
  },
  'POST /api/personal-access-tokens/introspect': {
    answers: adminOnly(200),
    call: ({ t }) => ({ body: { token: t.owner.token } }),
  },
  'GET /api/personal-access-tokens/self': { answers: anyToken(200), call: () => ({}) },
  'DELETE /api/personal-access-tokens/self': { answers: anyToken(200), call: () => ({}) },
  'POST /api/personal-access-tokens/self/rotate': {
    answers: anyToken(200),
    call: () => ({ body: {} }),
  },
  'GET /api/personal-access-tokens/{patId}': {
    answers: anyToken(200),
    call: ({ caller }) => ({ params: { patId: caller.siblingId } }),
  },
  'DELETE /api/personal-access-tokens/{patId}': {
    answers: anyToken(200),
    call: ({ caller }) => ({ params: { patId: caller.siblingId } }),
  },
  'POST /api/personal-access-tokens/{patId}/regenerate': {
    answers: anyToken(200),
    call: ({ caller }) => ({ params: { patId: caller.siblingId }, body: { expiry: 'week' } }),
  },
  'GET /api/users/service/{userId}/personal-access-tokens': {
    answers: adminOnly(200),
    call: withParams(serviceUserToken),
  },
  'POST /api/users/service/{userId}/personal-access-tokens': {
    answers: adminOnly(201),
    call: withParams(serviceUserToken, {
      ...A_TOKEN_REQUEST,
      permissions: ['owner'],
      allProjects: true,
    }),
  },
  'GET /api/users/service/{userId}/personal-access-tokens/{patId}': {
    answers: adminOnly(200),
    call: withParams(serviceUserToken),
  },
  'DELETE /api/users/service/{userId}/personal-access-tokens/{patId}': {
    answers: adminOnly(200),
    call: withParams(serviceUserToken),
  },
  'POST /api/users/service/{userId}/personal-access-tokens/{patId}/regenerate': {
    answers: adminOnly(200),
    call: withParams(serviceUserToken, { expiry: 'week' }),
  },
};
