import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DomainEvents } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { Principal } from './principal';

/** At most one audit entry per token per minute: a flood from elsewhere writes a bounded trail. */
const RECORD_EVERY_MS = 60_000;
const MAX_REMEMBERED_TOKENS = 10_000;

/**
 * Records `auth.ip-refused` when a valid token is used from an address outside its allowedIps,
 * at most once a minute per token, off the request's path (the 403 does not wait for it).
 */
@Injectable()
export class IpRefusals {
  /** When each token's refusal was last recorded; least recently used first out, in O(1). */
  private readonly lastRecorded = new LRUCache<string, number>({ max: MAX_REMEMBERED_TOKENS });

  constructor(private readonly publisher: DomainEventPublisher) {}

  record(principal: Principal, ip: string, now = Date.now()): void {
    const tokenId = principal.token.id;
    if (now - (this.lastRecorded.get(tokenId) ?? 0) < RECORD_EVERY_MS) {
      return;
    }
    this.lastRecorded.set(tokenId, now);
    void this.publisher
      .publish({
        name: DomainEvents.IpRefused,
        organisationId: principal.user.organisationId,
        actor: { userId: principal.user.id, tokenId, ip },
        targetType: 'token',
        targetId: tokenId,
        details: { ip },
      })
      .catch(() => this.lastRecorded.delete(tokenId));
  }
}
