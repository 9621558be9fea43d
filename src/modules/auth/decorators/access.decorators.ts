import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiError } from '../../../common/openapi/api-error';
import { AccessRule } from '../access-rule';
import { ACCESS_RULE_KEY, GATEWAY_CHECK_KEY, IS_PUBLIC_KEY } from '../access-metadata';
import { AdminGuard } from '../guards/access.guards';
import { Permission } from '../permissions';
import { UserType } from '../../../common/users/user-types';

/** Opts a route out of authentication (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

function withRule(rule: AccessRule, forbidden?: string) {
  const decorators: (ClassDecorator & MethodDecorator)[] = [
    SetMetadata(ACCESS_RULE_KEY, rule),
    ApiBearerAuth(),
    ApiError(
      401,
      'No token, or an unknown, malformed, expired or deleted one, or its user is not active',
    ),
    ApiError(429, 'Too many failed authentications from this address; see Retry-After'),
  ];
  if (forbidden) {
    decorators.push(ApiError(403, forbidden));
  }
  return applyDecorators(...decorators);
}

/** Any valid token. */
export const Authenticated = () => withRule({ kind: 'authenticated' });

/** The admin rule: an active owner/admin user with an `owner` token on all projects. */
export const AdminOnly = () =>
  applyDecorators(
    withRule(
      { kind: 'admin' },
      'The caller is not an admin (an active owner or admin user using an owner token on all projects)',
    ),
    UseGuards(AdminGuard),
  );

export interface PermissionOptions {
  /** The route parameter with the project id the token must be scoped to. */
  project?: string;
  /** The token must be usable on all projects. */
  allProjects?: boolean;
  /** The token's user must be of one of these types. */
  userTypes?: readonly UserType[];
}

/** The token must grant `permission` (directly or through `owner` or its family). */
export const RequirePermissions = (permission: Permission, options: PermissionOptions = {}) =>
  withRule(
    {
      kind: 'permission',
      permission,
      projectParam: options.project,
      allProjects: options.allProjects,
      userTypes: options.userTypes,
    },
    `The token lacks the ${permission} permission${options.project ? ' on this project' : ''}`,
  );

/** Any permission on the project in `param` (read access). */
export const RequireProjectAccess = (param: string) =>
  withRule({ kind: 'permission', projectParam: param }, 'The token is not scoped to this project');

/**
 * The gateway check's rule: any valid token, and only 200, 401 or 403 for any token. An address
 * the failed-authentication throttle blocked answers 401 with Retry-After instead of 429, which
 * nginx's auth_request would turn into a 500.
 */
export const GatewayCheck = () =>
  applyDecorators(
    SetMetadata(ACCESS_RULE_KEY, { kind: 'authenticated' } satisfies AccessRule),
    SetMetadata(GATEWAY_CHECK_KEY, true),
    ApiBearerAuth(),
    ApiError(
      401,
      'No token, or an unknown, malformed, expired, deleted or replaced one, its user is not active, or the address is blocked after too many failed authentications (with Retry-After)',
    ),
    ApiError(
      403,
      'The token lacks the permission, is not scoped to the project, or is used from an address outside its allowedIps',
    ),
  );
