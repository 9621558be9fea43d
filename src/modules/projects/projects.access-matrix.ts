import { AccessMatrix } from '../../../test/support/access-matrix';
import { unique } from '../../../test/support/spec-helpers';

/*
 * Rows of the authorization matrix (test/authorization-matrix.e2e-spec.ts) for this module's routes.
 * Columns: anonymous, unknown, member, narrowAdmin, scopedAdmin, ownerAdmin, disabled, otherProject.
 */
export const accessMatrix: AccessMatrix = {
  'GET /api/projects': { answers: [401, 401, 200, 200, 200, 200, 401, 200], call: () => ({}) },
  // Creating needs an owner, admin or author user and an all-projects token.
  'POST /api/projects': {
    answers: [401, 401, 403, 201, 403, 201, 401, 403],
    call: () => ({ body: { name: 'Matrix', key: unique('matrix') } }),
  },
  'GET /api/projects/{projectId}': {
    answers: [401, 401, 200, 200, 200, 200, 401, 403],
    call: ({ project }) => ({ params: { projectId: project } }),
  },
  // Updating and deleting ask only the token: a member holding `owner` may (see the report).
  'PUT /api/projects/{projectId}': {
    answers: [401, 401, 200, 200, 200, 200, 401, 403],
    call: ({ project }) => ({ params: { projectId: project }, body: { name: 'Renamed' } }),
  },
  'DELETE /api/projects/{projectId}': {
    answers: [401, 401, 200, 403, 200, 200, 401, 403],
    call: ({ project }) => ({ params: { projectId: project } }),
  },
};
