import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { evaluateAccess } from '../access-rule';
import { Principal } from '../principal';

/**
 * The admin rule, attached by @AdminOnly() and run after the global BearerAuthGuard has
 * authenticated the caller: an active owner/admin user calling with an `owner` token on all
 * projects. A narrow token held by an admin (a CI token, say) does not pass.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) {
      throw new ForbiddenException('No authenticated caller');
    }
    const decision = evaluateAccess({ kind: 'admin' }, principal, {});
    if (!decision.allowed) {
      throw new ForbiddenException(decision.reason);
    }
    return true;
  }
}
