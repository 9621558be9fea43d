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
  // A member's token is capped by the member type: holding `owner` (say, from before a demotion)
  // gives neither `project:manage` nor `owner`, so a member can neither update (unprotect) nor
  // delete a project.
  'PUT /api/projects/{projectId}': {
    answers: [401, 401, 403, 200, 200, 200, 401, 403],
    call: ({ project }) => ({ params: { projectId: project }, body: { name: 'Renamed' } }),
  },
  'DELETE /api/projects/{projectId}': {
    answers: [401, 401, 403, 403, 200, 200, 401, 403],
    call: ({ project }) => ({ params: { projectId: project } }),
  },
};
