import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { Principal } from './principal';
import { PrincipalResolver } from './principal-resolver.service';

/** What the strategy sees of a request: the header alone, so that a token in a query string or body is never read. */
export interface BearerRequest {
  headers: { authorization?: string };
  ip: string;
  user?: Principal;
}

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly resolver: PrincipalResolver) {
    super({ passReqToCallback: true });
  }

  async validate(request: BearerRequest, secret: string): Promise<Principal | false> {
    return (await this.resolver.resolve(secret, request.ip)) ?? false;
  }
}
