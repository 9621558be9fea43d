import {
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AccessRule, evaluateAccess } from '../access-rule';
import { ACCESS_RULE_KEY, GATEWAY_CHECK_KEY, IS_PUBLIC_KEY } from '../access-metadata';
import { FailedAuthenticationThrottle } from '../failed-authentication-throttle';
import { IpRefusals } from '../ip-refusals';
import { ExpiredBearerToken } from '../bearer.strategy';
import { Principal } from '../principal';

type AuthenticatedRequest = FastifyRequest<{ Params: Record<string, string | undefined> }> & {
  user?: Principal;
};

/** What a route declares, read once per handler. */
interface RouteAccess {
  isPublic: boolean;
  rule?: AccessRule;
  gateway: boolean;
}

/** Thrown by handleRequest, so that canActivate can tell a refused token from any other error. */
class InvalidBearerToken extends UnauthorizedException {}

/**
 * The one global guard: a @Public() route passes; any other route needs a valid bearer token
 * (401 with `WWW-Authenticate` otherwise), then its declared access rule. An address with too many
 * refused tokens answers 429 with `Retry-After` to further refused tokens; a valid token from it
 * is served. A route that declares no rule is refused, so that a
 * forgotten decorator fails safe. The admin rule is left to AdminGuard, which @AdminOnly() attaches.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  private readonly logger = new Logger(BearerAuthGuard.name);
  /** Route metadata never changes after start-up: looked up once per handler, then kept. */
  private readonly routes = new WeakMap<object, RouteAccess>();

  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: FailedAuthenticationThrottle,
    private readonly ipRefusals: IpRefusals,
  ) {
    super({ session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.routeOf(context);
    if (route.isPublic) {
      return true;
    }
    if (!route.rule) {
      this.logger.error(
        `${context.getClass().name}.${context.getHandler().name} declares no access rule: refused`,
      );
      throw new ForbiddenException('This route declares no access rule');
    }
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof InvalidBearerToken || error instanceof ExpiredBearerToken)) {
        throw error;
      }
      const expiredAt = error instanceof ExpiredBearerToken ? error.expiredAt : undefined;
      throw await this.refuse(request, reply, route.gateway, expiredAt);
    }
    const principal = request.user!;
    // Every authenticated answer says when its token expires (GitHub sends the same).
    if (principal.token.expiresAt) {
      void reply.header('X-Token-Expires-At', principal.token.expiresAt.toISOString());
    }
    if (principal.token.allowedIps && !principal.token.allowedIps.allows(request.ip)) {
      this.ipRefusals.record(principal, request.ip);
      throw new ForbiddenException('This token may not be used from this address');
    }
    if (route.rule.kind !== 'admin') {
      const decision = evaluateAccess(route.rule, principal, request.params ?? {});
      if (!decision.allowed) {
        throw new ForbiddenException(decision.reason);
      }
    }
    return true;
  }

  override handleRequest<TUser = Principal>(error: unknown, principal: TUser | false): TUser {
    if (error) {
      throw error instanceof Error ? error : new Error('Bearer authentication failed');
    }
    if (!principal) {
      throw new InvalidBearerToken();
    }
    return principal;
  }

  private routeOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets) ?? false,
        rule: this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE_KEY, targets),
        gateway: this.reflector.getAllAndOverride<boolean>(GATEWAY_CHECK_KEY, targets) ?? false,
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  private async refuse(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    gateway: boolean,
    tokenExpiredAt?: Date,
  ): Promise<HttpException> {
    // A missing header is not a guess: only presented tokens count towards the throttle.
    const presented = Boolean(request.headers.authorization);
    const retryAfter = presented ? await this.throttle.recordFailure(request.ip) : 0;
    if (retryAfter > 0) {
      return blocked(reply, retryAfter, gateway);
    }
    const expiredAt = tokenExpiredAt?.toISOString();
    if (!presented) {
      reply.header('WWW-Authenticate', 'Bearer realm="api"');
      return new UnauthorizedException(INVALID_TOKEN);
    }
    // An expiry is worth telling (a pipeline's log then says what to do, as GitLab's does); every
    // other refusal shares one answer, so that none reveals whether a token exists.
    reply.header(
      'WWW-Authenticate',
      challenge(expiredAt ? `The token expired at ${expiredAt}` : 'The token is not valid'),
    );
    return new UnauthorizedException(
      expiredAt
        ? `The token expired at ${expiredAt}: regenerate it, or ask an admin for a new one (an expired token cannot renew itself)`
        : INVALID_TOKEN,
    );
  }
}

const INVALID_TOKEN = 'A valid bearer token is required';

/** RFC 6750's challenge for a presented token that is refused. */
const challenge = (description: string) =>
  `Bearer realm="api", error="invalid_token", error_description="${description}"`;

/**
 * A blocked address: 429, or on the gateway check 401 (nginx's auth_request turns a 429 into a
 * 500 for the client; a 401 is what every gateway passes on as a refusal).
 */
function blocked(reply: FastifyReply, retryAfter: number, gateway: boolean): HttpException {
  reply.header('Retry-After', String(retryAfter));
  if (gateway) {
    reply.header(
      'WWW-Authenticate',
      challenge('Too many failed authentications from this address'),
    );
    return new UnauthorizedException(
      'Too many failed authentications from this address; try again later',
    );
  }
  return new HttpException(
    'Too many failed authentications from this address; try again later',
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
