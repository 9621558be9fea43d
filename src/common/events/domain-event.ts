/**
 * Domain events: what the core modules publish through DomainEventPublisher with each change.
 * Recorders (the audit log, the webhook outbox) write them in the change's own transaction;
 * in-process listeners (caches) hear them after the commit with `@OnEvent(DomainEvents.TokenCreated)`.
 * Neither needs to touch the publishing module.
 */
export const DomainEvents = {
  TokenCreated: 'token.created',
  TokenRegenerated: 'token.regenerated',
  TokenDeleted: 'token.deleted',
  UserCreated: 'user.created',
  UserUpdated: 'user.updated',
  UserDeleted: 'user.deleted',
  /** An admin invited a person; the person accepted (their type set, their first token made). */
  InvitationCreated: 'invitation.created',
  InvitationAccepted: 'invitation.accepted',
  ProjectCreated: 'project.created',
  ProjectUpdated: 'project.updated',
  ProjectDeleted: 'project.deleted',
  /** A secret that a regenerate replaced was presented: it may have leaked. */
  ReplacedSecretUsed: 'auth.replaced-secret-used',
  /** A valid token was presented from an address outside its allowedIps. */
  IpRefused: 'auth.ip-refused',
  /** A live token's secret was reported exposed (POST /api/credentials/revoke) and deleted. */
  TokenRevokedLeaked: 'token.revoked-leaked',
} as const;

export type DomainEventName = (typeof DomainEvents)[keyof typeof DomainEvents];

/** Who caused a change. All null for the command-line tool and other non-HTTP callers. */
export interface EventActor {
  userId: string | null;
  tokenId: string | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: EventActor = Object.freeze({ userId: null, tokenId: null, ip: null });

export interface DomainEvent {
  /** One of DomainEvents, or a name a module declares beside its code (`webhook.created`). */
  name: string;
  organisationId: string;
  actor: EventActor;
  /** `token`, `user`, `project`, or a module's own kind of target. */
  targetType: string;
  targetId: string;
  /** A small JSON object of what changed. Never a secret or a secret's hash. */
  details: Record<string, unknown>;
}

/** What an event is about: one of an organisation's things, by id. */
export interface EventSubject {
  id: string;
  organisationId: string;
}

/** The event `name` about `subject`, a `targetType` (a project, a user, a token, …). */
export function eventAbout(
  targetType: string,
  subject: EventSubject,
  name: string,
  actor: EventActor,
  details: Record<string, unknown>,
): DomainEvent {
  return {
    name,
    organisationId: subject.organisationId,
    actor,
    targetType,
    targetId: subject.id,
    details,
  };
}
