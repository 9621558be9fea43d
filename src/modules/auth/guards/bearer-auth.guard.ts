import {
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BearerRequest } from '../bearer.strategy';
import { IS_PUBLIC_KEY } from '../access-metadata';
import { FailedAuthenticationThrottle } from '../failed-authentication-throttle';
import { Principal } from '../principal';

type AuthenticatedRequest = FastifyRequest & { user?: Principal; bearerView?: BearerRequest };

/** Thrown by handleRequest, so that canActivate can tell a refused token from any other error. */
class AuthenticationFailed extends UnauthorizedException {}

/**
 * The global guard: every route needs a valid bearer token unless it is @Public(). No token, or
 * an unknown, malformed, expired or deleted one, answers 401 with `WWW-Authenticate: Bearer`.
 * An address with too many failures answers 429 with `Retry-After`.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly throttle: FailedAuthenticationThrottle,
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
    const retryAfter = this.throttle.retryAfterSeconds(request.ip);
    if (retryAfter > 0) {
      throw tooManyFailures(reply, retryAfter);
    }
    try {
      await super.canActivate(context);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) {
        throw error;
      }
      throw await this.refuse(request, reply);
    }
    request.user = request.bearerView?.user;
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

  private async refuse(request: AuthenticatedRequest, reply: FastifyReply): Promise<HttpException> {
    // A missing header is not a guess: only presented tokens count towards the throttle.
    const presented = Boolean(request.headers.authorization);
    const retryAfter = presented ? await this.throttle.recordFailure(request.ip) : 0;
    if (retryAfter > 0) {
      return tooManyFailures(reply, retryAfter);
    }
    reply.header(
      'WWW-Authenticate',
      presented ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"',
    );
    return new UnauthorizedException('A valid bearer token is required');
  }
}

function tooManyFailures(reply: FastifyReply, retryAfter: number): HttpException {
  reply.header('Retry-After', String(retryAfter));
  return new HttpException(
    'Too many failed authentications from this address; try again later',
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
