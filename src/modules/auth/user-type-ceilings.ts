import { UserType } from '../../common/users/user-types';
import { grantMask, Permission } from './permissions';

/**
 * The most each user type may do, whatever its tokens carry. A token keeps the permissions it was
 * granted; every request gets those capped by its user's type at that moment, so that a demotion
 * takes effect on the next request (changing a user drops their cached principals) and a
 * promotion back restores what the tokens carried.
 *
 * - owner, admin: everything.
 * - author: everything but `owner`: creates and manages projects (`project:manage`, protection
 *   included) and their integrations, never deletes one, never the admin routes.
 * - member: the work inside projects (the documents, releases, branches and environments
 *   families), not `project:manage` (a project's name, key, protection) or `integrations:manage`,
 *   and not `owner` (deleting projects).
 * - invited: nothing (an invited user cannot authenticate anyway).
 */
export const USER_TYPE_CEILINGS: Readonly<Record<UserType, readonly Permission[]>> = {
  owner: ['owner'],
  admin: ['owner'],
  author: [
    'documents',
    'releases',
    'branches',
    'environments',
    'integrations:manage',
    'project:manage',
  ],
  member: ['documents', 'releases', 'branches', 'environments'],
  invited: [],
};

const CEILING_MASKS = new Map<UserType, number>(
  Object.entries(USER_TYPE_CEILINGS).map(([type, ceiling]) => [
    type as UserType,
    grantMask(ceiling),
  ]),
);

/** What a token carrying `granted` may do for a user of `type`, as a mask (see maskAllows). */
export function effectiveMask(granted: readonly Permission[], type: UserType): number {
  return grantMask(granted) & (CEILING_MASKS.get(type) ?? 0);
}

/**
 * The same as permission names, for those who read names (the gateway check's headers,
 * introspection's scope): each granted permission the type allows whole, in the order granted,
 * and in place of one it allows in part (`owner` held by a member), the names of the type's
 * ceiling it covers.
 */
export function effectivePermissions(granted: readonly Permission[], type: UserType): Permission[] {
  const ceiling = CEILING_MASKS.get(type) ?? 0;
  const names = new Set<Permission>();
  for (const permission of granted) {
    const mask = grantMask([permission]);
    if ((mask & ~ceiling) === 0) {
      names.add(permission);
      continue;
    }
    for (const name of USER_TYPE_CEILINGS[type]) {
      if ((grantMask([name]) & ~mask) === 0) {
        names.add(name);
      }
    }
  }
  return [...names];
}
