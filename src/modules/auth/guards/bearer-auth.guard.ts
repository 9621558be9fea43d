import {
  ExecutionContext,
  HttpException,
  HttpStatus,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BearerRequest } from '../bearer.strategy';
import { GATEWAY_CHECK_KEY, IS_PUBLIC_KEY } from '../access-metadata';
import { IpRefusals } from '../ip-refusals';
import { FailedAuthenticationThrottle } from '../failed-authentication-throttle';
import { Principal } from '../principal';

type AuthenticatedRequest = FastifyRequest & { user?: Principal; bearerView?: BearerRequest };

/** Thrown by handleRequest, so that canActivate can tell a refused token from any other error. */
class AuthenticationFailed extends UnauthorizedException {}

/**
 * The global guard: every route needs a valid bearer token unless it is @Public(). No token, or
 * an unknown, malformed, expired or deleted one, answers 401 with `WWW-Authenticate: Bearer`.
 * An address with too many refused tokens answers 429 with `Retry-After` to further refused
 * tokens; a valid token from it is served.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: FailedAuthenticationThrottle,
    private readonly ipRefusals: IpRefusals,
  ) {
    super({ session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const gateway = this.reflector.getAllAndOverride<boolean | undefined>(GATEWAY_CHECK_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) {
        throw error;
      }
      throw await this.refuse(request, reply, gateway);
    }
    const principal = request.bearerView!.user!;
    request.user = principal;
    // Every authenticated answer says when its token expires (GitHub sends the same).
    if (principal.token.expiresAt) {
      void reply.header('X-Token-Expires-At', principal.token.expiresAt.toISOString());
    }
    if (principal.token.allowedIps && !principal.token.allowedIps.allows(request.ip)) {
      this.ipRefusals.record(principal, request.ip);
      throw new ForbiddenException('This token may not be used from this address');
    }
    return true;
  }

  /** Passport sees a view of the request with the Authorization header only. */
  override getRequest(context: ExecutionContext): BearerRequest {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.bearerView ??= {
      headers: { authorization: request.headers.authorization },
      ip: request.ip,
    };
    return request.bearerView;
  }

  override handleRequest<TUser = Principal>(error: unknown, principal: TUser | false): TUser {
    if (error instanceof Error) {
      throw error;
    }
    if (error) {
      throw new Error('Bearer authentication failed');
    }
    if (!principal) {
      throw new AuthenticationFailed();
    }
    return principal;
  }

  private async refuse(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    gateway = false,
  ): Promise<HttpException> {
    // A missing header is not a guess: only presented tokens count towards the throttle.
    const presented = Boolean(request.headers.authorization);
    const retryAfter = presented ? await this.throttle.recordFailure(request.ip) : 0;
    if (retryAfter > 0) {
      return blocked(reply, retryAfter, gateway);
    }
    reply.header(
      'WWW-Authenticate',
      presented ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"',
    );
    return new UnauthorizedException('A valid bearer token is required');
  }
}

/**
 * A blocked address: 429, or on the gateway check 401 (nginx's auth_request turns a 429 into a
 * 500 for the client; a 401 is what every gateway passes on as a refusal).
 */
function blocked(reply: FastifyReply, retryAfter: number, gateway = false): HttpException {
  reply.header('Retry-After', String(retryAfter));
  if (gateway) {
    reply.header('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
    return new UnauthorizedException(
      'Too many failed authentications from this address; try again later',
    );
  }
  return new HttpException(
    'Too many failed authentications from this address; try again later',
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
