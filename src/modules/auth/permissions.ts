/**
 * The permissions a token can carry, and what implies what. Pure and dependency-free: route
 * decorators, token creation and tests all ask this module.
 */
export const PERMISSIONS = [
  'owner',
  'documents',
  'releases',
  'releases:manage',
  'releases:deploy',
  'releases:delete',
  'integrations:manage',
  'documents:full',
  'documents:view-content',
  'documents:edit-content',
  'documents:edit-view',
  'branches',
  'branches:create',
  'branches:merge',
  'branches:delete',
  'project:manage',
  'environments',
  'environments:manage',
  'environments:delete',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** A bare family name grants every `family:…` permission. */
export const PERMISSION_FAMILIES = ['documents', 'releases', 'branches', 'environments'] as const;

const bit = (permission: Permission) => 1 << PERMISSIONS.indexOf(permission);
const ALL = (1 << PERMISSIONS.length) - 1;

/** What each single permission grants, itself included, as a bit set over PERMISSIONS. */
const GRANTS: ReadonlyMap<Permission, number> = new Map(
  PERMISSIONS.map((permission) => {
    if (permission === 'owner') {
      return [permission, ALL];
    }
    const family = (PERMISSION_FAMILIES as readonly string[]).includes(permission)
      ? PERMISSIONS.filter((other) => other.startsWith(`${permission}:`)).reduce(
          (mask, other) => mask | bit(other),
          0,
        )
      : 0;
    return [permission, bit(permission) | family];
  }),
);

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && GRANTS.has(value as Permission);
}

/** Everything a set of granted permissions allows, as a bit set (compute once per token). */
export function grantMask(granted: readonly Permission[]): number {
  let mask = 0;
  for (const permission of granted) {
    mask |= GRANTS.get(permission) ?? 0;
  }
  return mask;
}

/** True when `granted` (a mask from grantMask) allows `required`. */
export function maskAllows(mask: number, required: Permission): boolean {
  return (mask & bit(required)) !== 0;
}

export function implies(granted: readonly Permission[], required: Permission): boolean {
  return maskAllows(grantMask(granted), required);
}

/** True when every permission `requested` would grant is already granted by `held`. */
export function isSubsetOf(requested: readonly Permission[], held: readonly Permission[]): boolean {
  const heldMask = grantMask(held);
  return (grantMask(requested) & ~heldMask) === 0;
}

/** The permissions in `requested` that `held` does not cover, for an error message. */
export function notCovered(
  requested: readonly Permission[],
  held: readonly Permission[],
): Permission[] {
  const heldMask = grantMask(held);
  return requested.filter((permission) => (GRANTS.get(permission)! & ~heldMask) !== 0);
}
