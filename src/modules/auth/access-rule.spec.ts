import {
  AccessDecision,
  AccessRule,
  canReachProject,
  evaluateAccess,
  isAdmin,
} from './access-rule';
import { PERMISSIONS } from './permissions';
import { Principal } from './principal';
import { buildPrincipal, PrincipalOptions } from './testing/principal-builder';
import { UserStatus, UserType } from '../../common/users/user-types';

const PROJECT_A = '0b8f7a52-3c1d-4e5f-9a6b-7c8d9e0f1a2b';
const PROJECT_B = '5d2e1f0a-9b8c-4d7e-8f6a-5b4c3d2e1f0a';

/** An owner-or-admin user with an owner token on all projects: the admin rule's happy path. */
const admin = (overrides: PrincipalOptions = {}) =>
  buildPrincipal({ type: 'admin', permissions: ['owner'], allProjects: true, ...overrides });

function denied(decision: AccessDecision): string {
  if (decision.allowed) {
    throw new Error('expected the decision to be a denial');
  }
  return decision.reason;
}

describe('isAdmin', () => {
  it.each<UserType>(['owner', 'admin'])(
    'should accept an active %s with an owner token on all projects',
    (type) => {
      expect(isAdmin(admin({ type }))).toBe(true);
    },
  );

  it.each<UserType>(['author', 'member', 'invited'])('should reject a user of type %s', (type) => {
    expect(isAdmin(admin({ type }))).toBe(false);
  });

  it.each<UserStatus>(['disabled', 'locked'])('should reject a %s admin', (status) => {
    expect(isAdmin(admin({ status }))).toBe(false);
  });

  it('should reject an owner token scoped to some projects', () => {
    expect(isAdmin(admin({ allProjects: false, projectIds: [PROJECT_A, PROJECT_B] }))).toBe(false);
  });

  it('should reject a token on all projects that lacks owner, even with every other permission', () => {
    const everythingButOwner = PERMISSIONS.filter((permission) => permission !== 'owner');
    expect(isAdmin(admin({ permissions: everythingButOwner }))).toBe(false);
  });

  it('should accept an owner token that carries other permissions too', () => {
    expect(isAdmin(admin({ permissions: ['releases:deploy', 'owner'] }))).toBe(true);
  });
});

describe('canReachProject', () => {
  it('should reach any project with a token on all projects', () => {
    const caller = buildPrincipal({ allProjects: true });
    expect(canReachProject(caller, PROJECT_A)).toBe(true);
    expect(canReachProject(caller, PROJECT_B)).toBe(true);
  });

  it('should reach a project the token is scoped to', () => {
    expect(canReachProject(buildPrincipal({ projectIds: [PROJECT_A] }), PROJECT_A)).toBe(true);
  });

  it('should not reach a project outside the token', () => {
    expect(canReachProject(buildPrincipal({ projectIds: [PROJECT_A] }), PROJECT_B)).toBe(false);
  });

  it('should not reach any project with a scoped token that has no projects', () => {
    expect(canReachProject(buildPrincipal({ projectIds: [] }), PROJECT_A)).toBe(false);
  });
});

describe('evaluateAccess', () => {
  describe('authenticated rule', () => {
    const rule: AccessRule = { kind: 'authenticated' };

    it('should allow any authenticated caller', () => {
      expect(
        evaluateAccess(rule, buildPrincipal({ type: 'invited', permissions: [] }), {}),
      ).toEqual({
        allowed: true,
      });
    });
  });

  describe('admin rule', () => {
    const rule: AccessRule = { kind: 'admin' };

    it('should allow an admin', () => {
      expect(evaluateAccess(rule, admin(), {})).toEqual({ allowed: true });
      expect(evaluateAccess(rule, admin({ type: 'owner' }), {})).toEqual({ allowed: true });
    });

    it.each<[string, PrincipalOptions]>([
      ['a member', { type: 'member' }],
      ['a disabled admin', { status: 'disabled' }],
      ['a scoped token', { allProjects: false, projectIds: [PROJECT_A] }],
      ['a token without owner', { permissions: ['project:manage'] }],
    ])('should deny %s, saying an admin is needed', (_name, overrides) => {
      expect(denied(evaluateAccess(rule, admin(overrides), {}))).toMatch(/admin/);
    });
  });

  describe('permission rule', () => {
    it('should allow any token when the rule names nothing', () => {
      const rule: AccessRule = { kind: 'permission' };
      expect(evaluateAccess(rule, buildPrincipal({ permissions: ['branches:merge'] }), {})).toEqual(
        {
          allowed: true,
        },
      );
    });

    describe('userTypes', () => {
      const rule: AccessRule = { kind: 'permission', userTypes: ['owner', 'admin'] };

      it('should allow a user of a listed type', () => {
        expect(evaluateAccess(rule, buildPrincipal({ type: 'admin' }), {})).toEqual({
          allowed: true,
        });
      });

      it('should deny a user of another type, listing the types', () => {
        const reason = denied(evaluateAccess(rule, buildPrincipal({ type: 'author' }), {}));
        expect(reason).toContain('owner, admin');
      });
    });

    describe('allProjects', () => {
      const rule: AccessRule = { kind: 'permission', allProjects: true };

      it('should allow a token on all projects', () => {
        expect(evaluateAccess(rule, buildPrincipal({ allProjects: true }), {})).toEqual({
          allowed: true,
        });
      });

      it('should deny a scoped token', () => {
        const reason = denied(
          evaluateAccess(rule, buildPrincipal({ projectIds: [PROJECT_A] }), {}),
        );
        expect(reason).toMatch(/all projects/);
      });
    });

    describe('permission', () => {
      const rule: AccessRule = { kind: 'permission', permission: 'releases:deploy' };

      it('should allow a token holding the permission', () => {
        expect(
          evaluateAccess(rule, buildPrincipal({ permissions: ['releases:deploy'] }), {}),
        ).toEqual({
          allowed: true,
        });
      });

      it('should allow a token holding its family', () => {
        expect(evaluateAccess(rule, buildPrincipal({ permissions: ['releases'] }), {})).toEqual({
          allowed: true,
        });
      });

      it('should allow an owner token', () => {
        expect(evaluateAccess(rule, buildPrincipal({ permissions: ['owner'] }), {})).toEqual({
          allowed: true,
        });
      });

      it('should deny a token without it, naming the permission', () => {
        const caller = buildPrincipal({ permissions: ['releases:manage', 'branches'] });
        expect(denied(evaluateAccess(rule, caller, {}))).toContain('releases:deploy');
      });

      it('should decide by the token’s permission mask', () => {
        const caller = buildPrincipal({ permissions: ['releases:deploy'] });
        const withoutMask: Principal = { ...caller, token: { ...caller.token, permissionMask: 0 } };
        expect(evaluateAccess(rule, withoutMask, {}).allowed).toBe(false);
      });
    });

    describe('projectParam', () => {
      const rule: AccessRule = { kind: 'permission', projectParam: 'projectId' };

      it('should allow a token scoped to the project in the parameter', () => {
        const caller = buildPrincipal({ projectIds: [PROJECT_A] });
        expect(evaluateAccess(rule, caller, { projectId: PROJECT_A })).toEqual({ allowed: true });
      });

      it('should compare the parameter case-insensitively', () => {
        const caller = buildPrincipal({ projectIds: [PROJECT_A] });
        expect(evaluateAccess(rule, caller, { projectId: PROJECT_A.toUpperCase() })).toEqual({
          allowed: true,
        });
      });

      it('should allow a token on all projects for any project', () => {
        const caller = buildPrincipal({ allProjects: true });
        expect(evaluateAccess(rule, caller, { projectId: PROJECT_B })).toEqual({ allowed: true });
      });

      it('should deny a token not scoped to the project', () => {
        const caller = buildPrincipal({ projectIds: [PROJECT_A] });
        expect(denied(evaluateAccess(rule, caller, { projectId: PROJECT_B }))).toMatch(/project/);
      });

      it('should read the parameter the rule names, not another one', () => {
        const caller = buildPrincipal({ projectIds: [PROJECT_A] });
        const decision = evaluateAccess(rule, caller, { id: PROJECT_A, projectId: PROJECT_B });
        expect(decision.allowed).toBe(false);
      });

      it.each([
        ['missing', {}],
        ['undefined', { projectId: undefined }],
        ['empty', { projectId: '' }],
      ])('should deny when the parameter is %s, even for a token on all projects', (_, params) => {
        expect(evaluateAccess(rule, buildPrincipal({ allProjects: true }), params).allowed).toBe(
          false,
        );
      });
    });

    it('should allow only when every condition of the rule holds', () => {
      const rule: AccessRule = {
        kind: 'permission',
        permission: 'environments:manage',
        projectParam: 'projectId',
        userTypes: ['admin', 'author'],
      };
      const good: PrincipalOptions = {
        type: 'author',
        permissions: ['environments'],
        projectIds: [PROJECT_A],
      };
      const params = { projectId: PROJECT_A };
      expect(evaluateAccess(rule, buildPrincipal(good), params)).toEqual({ allowed: true });
      expect(
        evaluateAccess(rule, buildPrincipal({ ...good, type: 'member' }), params).allowed,
      ).toBe(false);
      expect(
        evaluateAccess(
          rule,
          buildPrincipal({ ...good, permissions: ['environments:delete'] }),
          params,
        ).allowed,
      ).toBe(false);
      expect(
        evaluateAccess(rule, buildPrincipal({ ...good, projectIds: [PROJECT_B] }), params).allowed,
      ).toBe(false);
    });

    it('should not let a token on all projects stand in for a missing permission', () => {
      const rule: AccessRule = {
        kind: 'permission',
        permission: 'project:manage',
        allProjects: true,
      };
      const caller = buildPrincipal({ allProjects: true, permissions: ['branches'] });
      expect(denied(evaluateAccess(rule, caller, {}))).toContain('project:manage');
    });
  });
});
