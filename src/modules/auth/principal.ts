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
  permissions: readonly Permission[];
  /** grantMask(permissions), computed once when the principal is loaded. */
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
