import { AuthenticatedToken, AuthenticatedUser } from './principal';

/** A token and its user as stored: what the resolver turns into a principal. */
export interface StoredPrincipal {
  user: AuthenticatedUser;
  token: Omit<AuthenticatedToken, 'permissionMask' | 'projectIds' | 'allowedIps'> & {
    projectIds: readonly string[];
    allowedIps: readonly string[];
  };
}

/** A secret that a regenerate replaced: enough to report its use, never the secret. */
export interface ReplacedSecretRecord {
  tokenId: string;
  userId: string;
  organisationId: string;
  replacedAt: Date;
}

/** A use of a token to record, unless another write recorded one after `unlessAfter`. */
export interface LastUse {
  tokenId: string;
  ip: string;
  at: Date;
  unlessAfter: Date;
}

/**
 * What authentication needs to read and write of stored tokens. Declared here, provided by the
 * module that stores tokens (personal-access-tokens exports its repository under this class), so
 * that the dependency runs one way: the tokens module imports auth, auth imports no feature.
 */
export abstract class PrincipalSource {
  /** The token with this secret hash and its user, or null. */
  abstract findBySecretHash(secretHash: string): Promise<StoredPrincipal | null>;

  /** The replaced secret with this hash and its token's owner, or null. */
  abstract findReplacedSecret(secretHash: string): Promise<ReplacedSecretRecord | null>;

  /** Records these last uses (one per token), in one transaction or statement. */
  abstract recordUses(uses: readonly LastUse[]): Promise<void>;
}
