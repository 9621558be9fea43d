import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { EventActor } from '../../../common/events/domain-event';
import { Principal } from '../principal';

function principalOf(context: ExecutionContext): Principal {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
  if (!request.user) {
    // Only reachable on a @Public() route, which must not ask for the caller.
    throw new Error('No authenticated principal on this request');
  }
  return request.user;
}

/** The whole caller: user and token. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) =>
  principalOf(context),
);

/** The caller's user. */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext) => principalOf(context).user,
);

/** The token the caller presented. */
export const CurrentToken = createParamDecorator(
  (_: unknown, context: ExecutionContext) => principalOf(context).token,
);

/** Who is acting, for domain events and the audit trail. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): EventActor => {
    const principal = principalOf(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return { userId: principal.user.id, tokenId: principal.token.id, ip: request.ip };
  },
);
