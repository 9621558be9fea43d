import { createHash, randomBytes } from 'node:crypto';

/** The types a person can be invited as (an owner is made by an owner, over PUT /api/users/{id}). */
export const INVITED_USER_TYPES = ['admin', 'author', 'member'] as const;
export type InvitedUserType = (typeof INVITED_USER_TYPES)[number];

/** How long an invitation can be accepted. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** `oinv_` + 43 base64url characters of 32 random bytes: easy to spot if it leaks. */
const PREFIX = 'oinv_';
const SHAPE = /^oinv_[A-Za-z0-9_-]{43}$/;

export function generateInvitationCode(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function isWellFormedInvitationCode(code: string): boolean {
  return SHAPE.test(code);
}

export function hashInvitationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
