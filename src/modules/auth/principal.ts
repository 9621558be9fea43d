import { IpAllowList } from './ip-allow-list';
import { Permission } from './permissions';
import { UserStatus, UserType } from '../../common/users/user-types';

/** The caller's user, as loaded with the token on authentication. */
export interface AuthenticatedUser {
  id: string;
  organisationId: string;
  email: string;
  type: UserType;
  status: UserStatus;
  isService: boolean;
  firstName: string | null;
  lastName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The token the caller presented. Never carries the secret or its hash. */
export interface AuthenticatedToken {
  id: string;
  /** As granted (what the token shows); what a request may do is permissionMask. */
  permissions: readonly Permission[];
  /**
   * What a request with this token may do: its permissions capped by what the user's type allows
   * (effectiveMask), computed once when the principal is loaded.
   */
  permissionMask: number;
  allProjects: boolean;
  projectIds: ReadonlySet<string>;
  expiresAt: Date | null;
  /** The allow-list parsed once when the principal is loaded; null: usable from anywhere. */
  allowedIps: IpAllowList | null;
}

export interface Principal {
  user: AuthenticatedUser;
  token: AuthenticatedToken;
}
