import fc from 'fast-check';
import {
  grantMask,
  implies,
  isPermission,
  isSubsetOf,
  maskAllows,
  notCovered,
  Permission,
  PERMISSION_FAMILIES,
  PERMISSIONS,
} from './permissions';

const ALL_PERMISSIONS = [...PERMISSIONS];
const isFamily = (permission: Permission) =>
  (PERMISSION_FAMILIES as readonly string[]).includes(permission);

/**
 * What a permission grants, itself included, by the rule as it is stated, over names rather than
 * the module's bits: `owner` grants everything, a family name itself and every `family:…`
 * permission, any other permission only itself.
 */
const grantsByRule = (permission: Permission): Permission[] =>
  permission === 'owner'
    ? ALL_PERMISSIONS
    : ALL_PERMISSIONS.filter(
        (other) =>
          other === permission || (isFamily(permission) && other.startsWith(`${permission}:`)),
      );

const permissionSet = fc.uniqueArray(fc.constantFrom(...ALL_PERMISSIONS), { maxLength: 6 });

describe('permissions', () => {
  it('should list 19 permissions, each once', () => {
    expect(PERMISSIONS).toHaveLength(19);
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
  });

  it('should treat as families exactly the permissions that have `family:…` members', () => {
    const withMembers = ALL_PERMISSIONS.filter((family) =>
      ALL_PERMISSIONS.some((member) => member.startsWith(`${family}:`)),
    );
    expect([...PERMISSION_FAMILIES].sort()).toEqual(withMembers.sort());
    expect(withMembers).toContain('documents');
  });

  describe('implies', () => {
    it.each(ALL_PERMISSIONS)('should let %s imply exactly what it grants', (granted) => {
      const allowed = ALL_PERMISSIONS.filter((required) => implies([granted], required));
      expect(allowed.sort()).toEqual([...grantsByRule(granted)].sort());
    });

    it('should let a family imply itself and its members, and nothing else', () => {
      expect(ALL_PERMISSIONS.filter((required) => implies(['environments'], required))).toEqual([
        'environments',
        'environments:manage',
        'environments:delete',
      ]);
    });

    it('should let owner imply every permission', () => {
      for (const required of ALL_PERMISSIONS) {
        expect(implies(['owner'], required)).toBe(true);
      }
    });

    it('should let no permission but owner imply owner', () => {
      const everythingButOwner = ALL_PERMISSIONS.filter((permission) => permission !== 'owner');
      expect(implies(everythingButOwner, 'owner')).toBe(false);
    });

    it('should not let a member imply its family name', () => {
      expect(implies(['documents:full'], 'documents')).toBe(false);
      expect(implies(['releases:manage', 'releases:deploy', 'releases:delete'], 'releases')).toBe(
        false,
      );
    });

    it('should not let a family imply another family or an unrelated permission', () => {
      expect(implies(['documents'], 'releases')).toBe(false);
      expect(implies(['branches'], 'project:manage')).toBe(false);
      expect(implies(['releases'], 'integrations:manage')).toBe(false);
      expect(implies(['environments'], 'owner')).toBe(false);
    });

    it('should allow nothing when nothing is granted', () => {
      for (const required of ALL_PERMISSIONS) {
        expect(implies([], required)).toBe(false);
      }
    });

    it('should allow the union of what several permissions grant', () => {
      const granted: Permission[] = ['releases:deploy', 'branches'];
      for (const required of ALL_PERMISSIONS) {
        const expected =
          required === 'releases:deploy' || grantsByRule('branches').includes(required);
        expect(implies(granted, required)).toBe(expected);
      }
    });
  });

  describe('isPermission', () => {
    it.each(ALL_PERMISSIONS)('should accept %s', (value) => {
      expect(isPermission(value)).toBe(true);
    });

    it.each([
      'Owner',
      'OWNER',
      'documents:',
      'documents:*',
      'project',
      ' owner',
      'owner ',
      '',
      'toString',
      'constructor',
      42,
      null,
      undefined,
      ['owner'],
      { owner: true },
    ])('should reject %p', (value) => {
      expect(isPermission(value)).toBe(false);
    });
  });

  describe('grantMask and maskAllows', () => {
    it('should give an empty mask for no permissions, allowing nothing', () => {
      const mask = grantMask([]);
      expect(mask).toBe(0);
      for (const required of ALL_PERMISSIONS) {
        expect(maskAllows(mask, required)).toBe(false);
      }
    });

    it.each(ALL_PERMISSIONS)('should give %s a mask that allows exactly what it grants', (p) => {
      const mask = grantMask([p]);
      const allowed = ALL_PERMISSIONS.filter((required) => maskAllows(mask, required));
      expect(allowed.sort()).toEqual([...grantsByRule(p)].sort());
    });

    it('should give every permission that implies only itself a bit of its own', () => {
      const masks = ALL_PERMISSIONS.filter((p) => grantsByRule(p).length === 1).map((p) =>
        grantMask([p]),
      );
      expect(masks).toHaveLength(14);
      expect(new Set(masks).size).toBe(masks.length);
      for (const mask of masks) {
        // A power of two: exactly one bit.
        expect(mask > 0 && (mask & (mask - 1)) === 0).toBe(true);
      }
    });

    it('should not depend on the order or repetition of permissions', () => {
      expect(grantMask(['branches:merge', 'documents', 'branches:merge'])).toBe(
        grantMask(['documents', 'branches:merge']),
      );
    });

    it('should agree with implies for any set of permissions', () => {
      fc.assert(
        fc.property(permissionSet, fc.constantFrom(...ALL_PERMISSIONS), (granted, required) => {
          const expected = granted.some((g) => grantsByRule(g).includes(required));
          expect(maskAllows(grantMask(granted), required)).toBe(expected);
          expect(implies(granted, required)).toBe(expected);
        }),
      );
    });
  });

  describe('isSubsetOf', () => {
    it('should treat an empty request as covered by anything', () => {
      expect(isSubsetOf([], [])).toBe(true);
      expect(isSubsetOf([], ['releases:deploy'])).toBe(true);
    });

    it('should accept a request equal to what is held', () => {
      expect(isSubsetOf(['branches', 'project:manage'], ['project:manage', 'branches'])).toBe(true);
    });

    it('should accept family members under their family', () => {
      expect(isSubsetOf(['documents:full', 'documents:edit-view'], ['documents'])).toBe(true);
      expect(isSubsetOf(['environments:delete'], ['environments'])).toBe(true);
    });

    it('should accept any request under owner', () => {
      expect(isSubsetOf(ALL_PERMISSIONS, ['owner'])).toBe(true);
    });

    it('should reject owner unless owner is held', () => {
      const everythingButOwner = ALL_PERMISSIONS.filter((permission) => permission !== 'owner');
      expect(isSubsetOf(['owner'], everythingButOwner)).toBe(false);
    });

    it('should reject a family name when only its members are held', () => {
      const members = ALL_PERMISSIONS.filter((permission) => permission.startsWith('documents:'));
      expect(members).toHaveLength(4);
      expect(isSubsetOf(['documents'], members)).toBe(false);
    });

    it('should reject a permission from another family', () => {
      expect(isSubsetOf(['releases:deploy'], ['branches'])).toBe(false);
    });

    it('should reject a request when any one part of it is not held', () => {
      expect(isSubsetOf(['branches:create', 'branches:delete'], ['branches:create'])).toBe(false);
    });

    it('should hold exactly when everything the request allows is allowed by what is held', () => {
      fc.assert(
        fc.property(permissionSet, permissionSet, (requested, held) => {
          const expected = ALL_PERMISSIONS.every(
            (p) => !implies(requested, p) || held.some((h) => grantsByRule(h).includes(p)),
          );
          expect(isSubsetOf(requested, held)).toBe(expected);
        }),
      );
    });
  });

  describe('notCovered', () => {
    it('should return nothing when the request is covered', () => {
      expect(notCovered(['documents:full', 'branches:merge'], ['documents', 'branches'])).toEqual(
        [],
      );
      expect(notCovered(ALL_PERMISSIONS, ['owner'])).toEqual([]);
    });

    it('should return the uncovered permissions in request order, leaving covered ones out', () => {
      expect(
        notCovered(
          ['project:manage', 'releases:deploy', 'owner', 'branches:create'],
          ['releases', 'branches:create'],
        ),
      ).toEqual(['project:manage', 'owner']);
    });

    it('should name a family that is only partly covered by its members', () => {
      expect(notCovered(['releases'], ['releases:manage', 'releases:deploy'])).toEqual([
        'releases',
      ]);
    });

    it('should name everything requested when nothing is held', () => {
      expect(notCovered(['documents:full', 'environments'], [])).toEqual([
        'documents:full',
        'environments',
      ]);
    });

    it('should be empty exactly when isSubsetOf holds', () => {
      fc.assert(
        fc.property(permissionSet, permissionSet, (requested, held) => {
          const uncovered = notCovered(requested, held);
          expect(uncovered.length === 0).toBe(isSubsetOf(requested, held));
          for (const permission of uncovered) {
            expect(requested).toContain(permission);
            expect(isSubsetOf([permission], held)).toBe(false);
          }
        }),
      );
    });
  });
});
