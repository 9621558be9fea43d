import { Permission, maskAllows } from './permissions';
import { Principal } from './principal';
import { UserType } from '../../common/users/user-types';

/**
 * What a route demands of its caller. Every route that is not @Public() declares exactly one;
 * a route without one is refused (closed by default).
 */
export type AccessRule =
  | { kind: 'authenticated' }
  | { kind: 'admin' }
  | {
      kind: 'permission';
      /** Omitted: any permission at all on the project is enough (read access). */
      permission?: Permission;
      /** The route parameter holding the project id the token must be scoped to. */
      projectParam?: string;
      /** The token must be usable on every project. */
      allProjects?: boolean;
      /** The token's user must be one of these types. */
      userTypes?: readonly UserType[];
    };

export const ADMIN_USER_TYPES: readonly UserType[] = ['owner', 'admin'];

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const allow: AccessDecision = { allowed: true };
const deny = (reason: string): AccessDecision => ({ allowed: false, reason });

/**
 * The admin rule: an active owner/admin user calling with a token that carries `owner` on all
 * projects. A narrow token held by an admin (a CI token, say) is not enough to manage users.
 */
export function isAdmin(principal: Principal): boolean {
  const { user, token } = principal;
  return (
    ADMIN_USER_TYPES.includes(user.type) &&
    user.status === 'active' &&
    token.allProjects &&
    token.permissions.includes('owner')
  );
}

/** True when the token may act on the project at all. */
export function canReachProject(principal: Principal, projectId: string): boolean {
  return principal.token.allProjects || principal.token.projectIds.has(projectId);
}

export function evaluateAccess(
  rule: AccessRule,
  principal: Principal,
  params: Readonly<Record<string, string | undefined>>,
): AccessDecision {
  switch (rule.kind) {
    case 'authenticated':
      return allow;
    case 'admin':
      return isAdmin(principal)
        ? allow
        : deny(
            'This route needs an admin: an active owner or admin user with an owner token on all projects',
          );
    case 'permission': {
      const { token, user } = principal;
      if (rule.userTypes && !rule.userTypes.includes(user.type)) {
        return deny(`This route needs a user of type ${rule.userTypes.join(', ')}`);
      }
      if (rule.allProjects && !token.allProjects) {
        return deny('This route needs a token that is usable on all projects');
      }
      if (rule.permission && !maskAllows(token.permissionMask, rule.permission)) {
        return deny(`This route needs the ${rule.permission} permission`);
      }
      if (rule.projectParam) {
        const projectId = params[rule.projectParam]?.toLowerCase();
        if (!projectId || !canReachProject(principal, projectId)) {
          return deny('The token is not scoped to this project');
        }
      }
      return allow;
    }
  }
}
