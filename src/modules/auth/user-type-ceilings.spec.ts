import { maskAllows, Permission, PERMISSION_FAMILIES, PERMISSIONS } from './permissions';
import { effectiveMask, effectivePermissions, USER_TYPE_CEILINGS } from './user-type-ceilings';
import { USER_TYPES } from '../../common/users/user-types';

const allowed = (granted: Permission[], type: Parameters<typeof effectiveMask>[1]) => {
  const mask = effectiveMask(granted, type);
  return PERMISSIONS.filter((permission) => maskAllows(mask, permission));
};

describe('user type ceilings', () => {
  it('should leave owners and admins every permission their tokens carry', () => {
    expect(allowed(['owner'], 'owner')).toEqual([...PERMISSIONS]);
    expect(allowed(['owner'], 'admin')).toEqual([...PERMISSIONS]);
    expect(effectivePermissions(['owner'], 'admin')).toEqual(['owner']);
  });

  it('should cap a member holding `owner` to the work inside projects: no owner, project:manage or integrations:manage', () => {
    const member = allowed(['owner'], 'member');
    expect(member).not.toContain('owner');
    expect(member).not.toContain('project:manage');
    expect(member).not.toContain('integrations:manage');
    // Exactly the four families and their members.
    expect(member).toEqual(
      PERMISSIONS.filter((permission) =>
        PERMISSION_FAMILIES.some((family) => permission.split(':')[0] === family),
      ),
    );
    expect(member).toContain('releases:deploy');
    expect(effectivePermissions(['owner'], 'member')).toEqual([
      'documents',
      'releases',
      'branches',
      'environments',
    ]);
  });

  it('should cap an author holding `owner` to everything but owner', () => {
    expect(allowed(['owner'], 'author')).toEqual(PERMISSIONS.filter((p) => p !== 'owner'));
  });

  it.each(USER_TYPES)(
    'should name what a %s may do with an owner token as its ceiling, allowing the same',
    (type) => {
      const names = effectivePermissions(['owner'], type);
      expect(names).toEqual(USER_TYPE_CEILINGS[type]);
      expect(allowed(names, type)).toEqual(allowed(['owner'], type));
    },
  );

  it('should keep what a narrow token carries when the type allows it, and drop what it does not', () => {
    expect(effectivePermissions(['releases:deploy', 'project:manage'], 'member')).toEqual([
      'releases:deploy',
    ]);
    expect(effectivePermissions(['project:manage', 'releases:deploy'], 'author')).toEqual([
      'project:manage',
      'releases:deploy',
    ]);
    // In the order granted, each name once.
    expect(effectivePermissions(['releases:deploy', 'owner', 'documents'], 'member')).toEqual([
      'releases:deploy',
      'documents',
      'releases',
      'branches',
      'environments',
    ]);
    expect(allowed(['project:manage'], 'member')).toEqual([]);
  });

  it('should allow an invited user nothing', () => {
    expect(allowed(['owner'], 'invited')).toEqual([]);
    expect(effectivePermissions(['owner'], 'invited')).toEqual([]);
  });
});
