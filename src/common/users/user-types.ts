/**
 * The kinds and states of a user. Shared vocabulary: the users module stores them, authentication
 * and access rules decide by them, tokens and provisioning name them.
 */
export const USER_TYPES = ['owner', 'admin', 'author', 'member', 'invited'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** The types an admin may give over the API: `invited` is given by an invitation only. */
export const ASSIGNABLE_USER_TYPES = [
  'owner',
  'admin',
  'author',
  'member',
] as const satisfies readonly UserType[];

/** A service user is a machine account: `admin` or `member`. */
export const SERVICE_USER_TYPES = ['admin', 'member'] as const satisfies readonly UserType[];
export type ServiceUserType = (typeof SERVICE_USER_TYPES)[number];

export const USER_STATUSES = ['active', 'disabled', 'locked'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
