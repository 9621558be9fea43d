import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { AccessRule, evaluateAccess, isAdmin } from '../access-rule';
import { ACCESS_RULE_KEY, IS_PUBLIC_KEY } from '../access-metadata';
import { Principal } from '../principal';

type Request = FastifyRequest<{ Params: Record<string, string | undefined> }> & {
  user?: Principal;
};

function principalOf(context: ExecutionContext): Principal {
  const principal = context.switchToHttp().getRequest<Request>().user;
  // The global BearerAuthGuard runs first; without a principal there is nothing to allow.
  if (!principal) {
    throw new ForbiddenException('No authenticated caller');
  }
  return principal;
}

/**
 * Global and closed by default: a route that is neither @Public() nor declares an access rule
 * (@Authenticated, @AdminOnly, @RequirePermissions, @RequireProjectAccess) is refused, so that a
 * forgotten decorator fails safe. It evaluates the declared rule; the admin rule is enforced by the
 * AdminGuard that @AdminOnly() attaches.
 */
@Injectable()
export class AccessRuleGuard implements CanActivate {
  private readonly logger = new Logger(AccessRuleGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) {
      return true;
    }
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE_KEY, targets);
    if (!rule) {
      this.logger.error(
        `${context.getClass().name}.${context.getHandler().name} declares no access rule: refused`,
      );
      throw new ForbiddenException('This route declares no access rule');
    }
    if (rule.kind === 'admin') {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const decision = evaluateAccess(rule, principalOf(context), request.params ?? {});
    if (!decision.allowed) {
      throw new ForbiddenException(decision.reason);
    }
    return true;
  }
}

/**
 * The admin rule, attached by @AdminOnly(): an active owner/admin user calling with an `owner`
 * token on all projects. A narrow token held by an admin (a CI token, say) does not pass.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!isAdmin(principalOf(context))) {
      throw new ForbiddenException(
        'This route needs an admin: an active owner or admin user with an owner token on all projects',
      );
    }
    return true;
  }
}
