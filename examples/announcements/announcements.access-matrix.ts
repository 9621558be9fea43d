import { AccessMatrix, adminOnly, anyToken, withParams } from '../../test/support/access-matrix';
import { expectStatus } from '../../test/support/http';
import { TestApp } from '../../test/support/test-app';

/** An announcement the owner publishes for a cell to read. */
async function published(t: TestApp): Promise<Record<string, string>> {
  const response = await t
    .as(t.owner.token)
    .post('/api/announcements')
    .send({ title: 'Matrix', body: 'For the matrix' });
  expectStatus(response, 201);
  return { announcementId: response.body.id as string };
}

/** Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes. */
export const accessMatrix: AccessMatrix = {
  'GET /api/announcements': { answers: anyToken(200), call: () => ({}) },
  'GET /api/announcements/{announcementId}': {
    answers: anyToken(200),
    call: withParams(published),
  },
  'POST /api/announcements': {
    answers: adminOnly(201),
    call: () => ({ body: { title: 'Matrix', body: 'Published by a cell of the matrix' } }),
  },
};
