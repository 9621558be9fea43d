import {
  Controller,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Get,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import type { HeaderObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { canReachProject } from './access-rule';
import { GatewayCheck } from './decorators/access.decorators';
import { CurrentPrincipal } from './decorators/current-principal.decorator';
import { VerifyResponseDto } from './dto/verify-response.dto';
import { isPermission, maskAllows } from './permissions';
import { Principal } from './principal';
import { effectivePermissions } from './user-type-ceilings';

/**
 * The query string as parsed, past the pipes: the gateway check answers only 200, 401 or 403
 * (nginx turns anything else into a 500), so a junk value (a NUL, say) that the input pipes would
 * refuse with 400 must reach the check below and be refused with 403 as no permission or project.
 */
const GatewayQuery = createParamDecorator(
  (_: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<FastifyRequest>().query,
);

const uuid = { type: 'string', format: 'uuid' } as const;
const text = { type: 'string' } as const;

/** The identity a gateway copies onto the request it lets through. */
const IDENTITY_HEADERS: Record<string, HeaderObject> = {
  'X-Auth-User-Id': { description: "The token's user", required: true, schema: uuid },
  'X-Auth-Token-Id': { description: 'The token', required: true, schema: uuid },
  'X-Auth-Organisation-Id': {
    description: "The user's organisation",
    required: true,
    schema: uuid,
  },
  'X-Auth-User-Type': { description: "The user's type", required: true, schema: text },
  'X-Auth-Permissions': {
    description:
      "The permissions the token may use, comma-separated: as granted, capped by what the user's type allows",
    required: true,
    schema: text,
  },
  'X-Auth-Projects': {
    description: '`*` (every project) or the project ids, comma-separated',
    required: true,
    schema: text,
  },
  'X-Auth-Expires-At': {
    description: 'When the token expires; absent when it never does',
    required: false,
    schema: { type: 'string', format: 'date-time' },
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A query parameter as nginx sends it: absent, empty (an unset variable) or one value. */
function asked(value: unknown): string | undefined {
  const one = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof one === 'string' && one !== '' ? one : undefined;
}

/** Who the token is, as the X-Auth-* headers and the JSON body say it. */
export function gatewayIdentity({ user, token }: Principal): VerifyResponseDto {
  return {
    userId: user.id,
    tokenId: token.id,
    organisationId: user.organisationId,
    userType: user.type,
    // What the token may do for this user now: capped by the user's type.
    permissions: effectivePermissions(token.permissions, user.type),
    projects: token.allProjects ? '*' : [...token.projectIds].sort(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

/**
 * The gateway check: nginx `auth_request`, Traefik `forwardAuth`, Envoy `ext_authz` (HTTP) ask it
 * whether to let a request through. It answers 200, 401 or 403 and nothing else for any token:
 * nginx turns any other answer into a 500.
 */
@ApiTag('Gateway', 'For gateways and other services: is this token valid, and may it do this?')
@Controller('auth')
export class VerifyController {
  /**
   * Check a token for a gateway
   *
   * @remarks For nginx `auth_request`, Traefik `forwardAuth` and Envoy `ext_authz`: 200 with
   * `X-Auth-User-Id`, `X-Auth-Token-Id`, `X-Auth-Organisation-Id`, `X-Auth-User-Type`,
   * `X-Auth-Permissions`, `X-Auth-Projects` (`*` or ids) and `X-Auth-Expires-At` (absent when
   * the token never expires); 401 with `WWW-Authenticate` for a missing or invalid token (and,
   * instead of 429, for an address the failed-authentication throttle blocked); 403 for a valid
   * token without `permission` (implication counts), not scoped to `project`, or used from an
   * address outside its `allowedIps`. An empty parameter is not checked; a `permission` that does
   * not exist or a `project` that is not a UUID answers 403, never 400.
   */
  @Get('verify')
  @GatewayCheck()
  @ApiQuery({
    name: 'permission',
    required: false,
    description: 'A permission the token must grant (owner and family names imply theirs)',
    example: 'releases:deploy',
  })
  @ApiQuery({
    name: 'project',
    required: false,
    description: 'A project id the token must be scoped to',
    example: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
  })
  @ApiOkResponse({
    description: 'The token is valid for this; who it is, also in the X-Auth-* headers',
    type: VerifyResponseDto,
    headers: IDENTITY_HEADERS,
  })
  verify(
    @CurrentPrincipal() principal: Principal,
    @GatewayQuery() search: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): VerifyResponseDto {
    const permission = asked(search.permission);
    if (permission !== undefined) {
      if (!isPermission(permission) || !maskAllows(principal.token.permissionMask, permission)) {
        throw new ForbiddenException(`The token lacks the ${permission} permission`);
      }
    }
    const project = asked(search.project);
    if (project !== undefined) {
      if (!UUID.test(project) || !canReachProject(principal, project.toLowerCase())) {
        throw new ForbiddenException('The token is not scoped to this project');
      }
    }
    const { identity, headers } = answerFor(principal);
    void reply.headers(headers);
    return identity;
  }
}

/**
 * The answer and its headers, made once per principal: a cached principal is the same object on
 * every request until a change replaces it, and the gateway check is the hottest route there is.
 */
const answers = new WeakMap<
  Principal,
  { identity: VerifyResponseDto; headers: Record<string, string> }
>();

function answerFor(principal: Principal): {
  identity: VerifyResponseDto;
  headers: Record<string, string>;
} {
  let answer = answers.get(principal);
  if (!answer) {
    const identity = gatewayIdentity(principal);
    const headers: Record<string, string> = {
      'X-Auth-User-Id': identity.userId,
      'X-Auth-Token-Id': identity.tokenId,
      'X-Auth-Organisation-Id': identity.organisationId,
      'X-Auth-User-Type': identity.userType,
      'X-Auth-Permissions': identity.permissions.join(','),
      'X-Auth-Projects': identity.projects === '*' ? '*' : identity.projects.join(','),
    };
    if (identity.expiresAt) {
      headers['X-Auth-Expires-At'] = identity.expiresAt;
    }
    answer = { identity, headers };
    answers.set(principal, answer);
  }
  return answer;
}
