import { UserStatus, UserType } from '../../../common/users/user-types';
import { Permission } from '../permissions';
import { Principal } from '../principal';
import { effectiveMask } from '../user-type-ceilings';

export interface PrincipalOptions {
  userId?: string;
  tokenId?: string;
  type?: UserType;
  status?: UserStatus;
  permissions?: Permission[];
  allProjects?: boolean;
  projectIds?: string[];
}

/**
 * A principal for unit specs: by default an active member whose token carries `owner` on no
 * project and never expires; a spec names only what its case is about.
 */
export function buildPrincipal({
  userId = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  tokenId = 'a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d',
  type = 'member',
  status = 'active',
  permissions = ['owner'],
  allProjects = false,
  projectIds = [],
}: PrincipalOptions = {}): Principal {
  const at = new Date('2026-01-01T00:00:00.000Z');
  return {
    user: {
      id: userId,
      organisationId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
      email: 'someone@example.com',
      type,
      status,
      isService: false,
      firstName: null,
      lastName: null,
      createdAt: at,
      updatedAt: at,
    },
    token: {
      id: tokenId,
      permissions,
      // As the resolver computes it: granted, capped by what the user's type allows.
      permissionMask: effectiveMask(permissions, type),
      allProjects,
      projectIds: new Set(projectIds),
      expiresAt: null,
      allowedIps: null,
    },
  };
}
