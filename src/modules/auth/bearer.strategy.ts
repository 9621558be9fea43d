import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-http-bearer';
import type { Strategy as PassportStrategyBase } from 'passport';
import { Principal } from './principal';
import { PrincipalResolver } from './principal-resolver.service';

/** passport's typings speak of Express requests; this service's are Fastify's. */
type PassportRequest = Parameters<PassportStrategyBase['authenticate']>[0];

/** What passport-http-bearer is shown of a request: the Authorization header and the address. */
interface BearerView {
  headers: { authorization?: string };
  ip: string;
}

/** Thrown for a token that has expired: the one refusal whose answer says why (the guard's). */
export class ExpiredBearerToken extends Error {
  constructor(readonly expiredAt: Date) {
    super('The token expired');
  }
}

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly resolver: PrincipalResolver) {
    super({ passReqToCallback: true });
  }

  /**
   * passport-http-bearer also reads `access_token` from the query string and the body; a secret
   * there ends up in logs and caches, so the strategy sees the header alone.
   */
  override authenticate(request: PassportRequest, options?: object): void {
    const { headers, ip } = request as unknown as FastifyRequest;
    const view: BearerView = { headers: { authorization: headers.authorization }, ip };
    super.authenticate(view as unknown as PassportRequest, options);
  }

  async validate(view: BearerView, secret: string): Promise<Principal | false> {
    const resolved = await this.resolver.resolve(secret, view.ip);
    if (resolved && 'expiredAt' in resolved) {
      throw new ExpiredBearerToken(resolved.expiredAt);
    }
    return resolved ?? false;
  }
}
