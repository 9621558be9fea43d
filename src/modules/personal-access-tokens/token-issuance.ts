import { AuthenticatedToken, notCovered, Permission } from '../auth';

/** What a token would be allowed to do. */
export interface TokenGrant {
  permissions: readonly Permission[];
  allProjects: boolean;
  projectIds: readonly string[];
  /** Undefined when the operation does not set an expiry (delete, or a token renewing itself). */
  expiresAt?: Date | null;
  /** Normalised; undefined when the operation does not set the list (delete). */
  allowedIps?: readonly string[];
}

/**
 * The ways in which `grant` would exceed the token used to create, regenerate or delete it, one
 * sentence each; empty when it does not. A token can only mint tokens that are no broader than
 * itself: permissions it covers, projects it has, an expiry no later than its own.
 */
export function escalationProblems(issuer: AuthenticatedToken, grant: TokenGrant): string[] {
  const problems: string[] = [];
  const uncovered = notCovered(grant.permissions, issuer.permissions);
  if (uncovered.length > 0) {
    problems.push(`permissions ${uncovered.join(', ')} exceed those of the token used`);
  }
  if (grant.allProjects && !issuer.allProjects) {
    problems.push('allProjects needs a token that is itself usable on all projects');
  }
  if (!grant.allProjects && !issuer.allProjects) {
    const outside = grant.projectIds.filter((id) => !issuer.projectIds.has(id));
    if (outside.length > 0) {
      problems.push(`projects ${outside.join(', ')} are outside the token used`);
    }
  }
  if (grant.expiresAt !== undefined && issuer.expiresAt !== null) {
    if (grant.expiresAt === null || grant.expiresAt.getTime() > issuer.expiresAt.getTime()) {
      problems.push(
        `expiry would outlive the token used, which expires at ${issuer.expiresAt.toISOString()}`,
      );
    }
  }
  if (grant.allowedIps !== undefined && issuer.allowedIps) {
    const { allowedIps } = issuer;
    if (grant.allowedIps.length === 0) {
      problems.push('allowedIps must be set: the token used may only be used from some addresses');
    } else {
      const outside = grant.allowedIps.filter((entry) => !allowedIps.covers(entry));
      if (outside.length > 0) {
        problems.push(`allowedIps ${outside.join(', ')} are outside those of the token used`);
      }
    }
  }
  return problems;
}
