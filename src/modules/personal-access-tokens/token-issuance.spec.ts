import { AuthenticatedToken, IpAllowList, grantMask, Permission, PERMISSIONS } from '../auth';
import { escalationProblems, TokenGrant } from './token-issuance';

const PROJECT_A = '11111111-1111-4111-8111-111111111111';
const PROJECT_B = '22222222-2222-4222-8222-222222222222';
const PROJECT_C = '33333333-3333-4333-8333-333333333333';

const ISSUER_EXPIRY = new Date('2026-09-01T00:00:00.000Z');

function issuer(
  overrides: Partial<Omit<AuthenticatedToken, 'projectIds'>> & { projectIds?: string[] } = {},
): AuthenticatedToken {
  const permissions: readonly Permission[] = overrides.permissions ?? ['owner'];
  return {
    id: '99999999-9999-4999-8999-999999999999',
    permissions,
    permissionMask: grantMask(permissions),
    allProjects: overrides.allProjects ?? false,
    projectIds: new Set(overrides.projectIds ?? [PROJECT_A, PROJECT_B]),
    expiresAt: overrides.expiresAt === undefined ? null : overrides.expiresAt,
    allowedIps: overrides.allowedIps ?? null,
  };
}

function grant(overrides: Partial<TokenGrant> = {}): TokenGrant {
  return { permissions: ['owner'], allProjects: false, projectIds: [PROJECT_A], ...overrides };
}

describe('escalationProblems', () => {
  it('should find nothing wrong with a grant equal to the issuer', () => {
    expect(
      escalationProblems(
        issuer({ permissions: ['releases', 'branches:merge'], expiresAt: ISSUER_EXPIRY }),
        grant({
          permissions: ['releases', 'branches:merge'],
          projectIds: [PROJECT_A, PROJECT_B],
          expiresAt: ISSUER_EXPIRY,
        }),
      ),
    ).toEqual([]);
  });

  describe('permissions', () => {
    it('should allow permissions the issuer covers through a family or owner', () => {
      expect(
        escalationProblems(
          issuer({ permissions: ['documents'] }),
          grant({ permissions: ['documents:full', 'documents:edit-view'] }),
        ),
      ).toEqual([]);
      expect(
        escalationProblems(
          issuer({ permissions: ['owner'] }),
          grant({ permissions: ['project:manage', 'environments'] }),
        ),
      ).toEqual([]);
    });

    it('should allow a grant with no permissions', () => {
      expect(
        escalationProblems(
          issuer({ permissions: ['branches:create'] }),
          grant({ permissions: [] }),
        ),
      ).toEqual([]);
    });

    it('should report one problem naming only the permissions the issuer lacks', () => {
      const problems = escalationProblems(
        issuer({ permissions: ['releases:deploy'] }),
        grant({ permissions: ['releases:deploy', 'releases:delete', 'branches'] }),
      );
      expect(problems).toEqual([
        'permissions releases:delete, branches exceed those of the token used',
      ]);
    });

    it('should refuse owner to a token that has every permission but owner', () => {
      const problems = escalationProblems(
        issuer({ permissions: PERMISSIONS.filter((permission) => permission !== 'owner') }),
        grant({ permissions: ['owner'] }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('owner');
    });

    it('should refuse a family name to a token holding only its members', () => {
      const problems = escalationProblems(
        issuer({ permissions: ['environments:manage', 'environments:delete'] }),
        grant({ permissions: ['environments'] }),
      );
      expect(problems).toEqual(['permissions environments exceed those of the token used']);
    });
  });

  describe('projects', () => {
    it('should allow a scoped grant within the issuer’s projects', () => {
      expect(escalationProblems(issuer(), grant({ projectIds: [PROJECT_B, PROJECT_A] }))).toEqual(
        [],
      );
    });

    it('should allow a scoped grant with no projects', () => {
      expect(escalationProblems(issuer(), grant({ projectIds: [] }))).toEqual([]);
    });

    it('should report one problem naming only the projects outside the issuer', () => {
      const problems = escalationProblems(
        issuer({ projectIds: [PROJECT_A] }),
        grant({ projectIds: [PROJECT_A, PROJECT_B, PROJECT_C] }),
      );
      expect(problems).toEqual([`projects ${PROJECT_B}, ${PROJECT_C} are outside the token used`]);
    });

    it('should allow any projects to an issuer on all projects', () => {
      expect(
        escalationProblems(
          issuer({ allProjects: true, projectIds: [] }),
          grant({ projectIds: [PROJECT_A, PROJECT_B, PROJECT_C] }),
        ),
      ).toEqual([]);
    });

    it('should allow allProjects to an issuer on all projects', () => {
      expect(
        escalationProblems(
          issuer({ allProjects: true, projectIds: [] }),
          grant({ allProjects: true, projectIds: [] }),
        ),
      ).toEqual([]);
    });

    it('should refuse allProjects to a scoped issuer, even one holding every project listed', () => {
      const problems = escalationProblems(
        issuer({ projectIds: [PROJECT_A] }),
        grant({ allProjects: true, projectIds: [PROJECT_B] }),
      );
      expect(problems).toEqual(['allProjects needs a token that is itself usable on all projects']);
    });
  });

  describe('expiry', () => {
    const later = new Date(ISSUER_EXPIRY.getTime() + 1);
    const earlier = new Date(ISSUER_EXPIRY.getTime() - 1);

    it('should allow any expiry, even none, to an issuer that never expires', () => {
      for (const expiresAt of [null, earlier, later, new Date('2099-01-01T00:00:00.000Z')]) {
        expect(escalationProblems(issuer({ expiresAt: null }), grant({ expiresAt }))).toEqual([]);
      }
    });

    it('should allow an expiry before or at the issuer’s', () => {
      const from = issuer({ expiresAt: ISSUER_EXPIRY });
      expect(escalationProblems(from, grant({ expiresAt: earlier }))).toEqual([]);
      expect(escalationProblems(from, grant({ expiresAt: new Date(ISSUER_EXPIRY) }))).toEqual([]);
    });

    it('should refuse an expiry a millisecond after the issuer’s, naming the issuer’s expiry', () => {
      expect(
        escalationProblems(issuer({ expiresAt: ISSUER_EXPIRY }), grant({ expiresAt: later })),
      ).toEqual(['expiry would outlive the token used, which expires at 2026-09-01T00:00:00.000Z']);
    });

    it('should refuse a token that never expires from an issuer that does', () => {
      const problems = escalationProblems(
        issuer({ expiresAt: ISSUER_EXPIRY }),
        grant({ expiresAt: null }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('outlive');
    });

    it('should not check the expiry when the operation sets none', () => {
      const problems = escalationProblems(issuer({ expiresAt: ISSUER_EXPIRY }), grant());
      expect(problems).toEqual([]);
    });
  });

  /** An issuer narrow in all three ways: one permission, one project, an expiry. */
  const narrowIssuer = issuer({
    permissions: ['branches:create'],
    projectIds: [PROJECT_A],
    expiresAt: ISSUER_EXPIRY,
  });

  it('should report every kind of escalation at once, one sentence each', () => {
    const problems = escalationProblems(
      narrowIssuer,
      grant({ permissions: ['branches'], projectIds: [PROJECT_C], expiresAt: null }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('branches');
    expect(problems[1]).toContain(PROJECT_C);
    expect(problems[2]).toContain('outlive');
  });

  it('should report allProjects, not each project, alongside the other problems', () => {
    const problems = escalationProblems(
      narrowIssuer,
      grant({
        permissions: ['owner'],
        allProjects: true,
        projectIds: [PROJECT_C],
        expiresAt: new Date('2030-01-01T00:00:00.000Z'),
      }),
    );
    expect(problems).toEqual([
      'permissions owner exceed those of the token used',
      'allProjects needs a token that is itself usable on all projects',
      'expiry would outlive the token used, which expires at 2026-09-01T00:00:00.000Z',
    ]);
  });
});

describe('escalationProblems and allowedIps', () => {
  const grant = { permissions: ['owner'] as Permission[], allProjects: false, projectIds: [] };

  it('should let a token usable from anywhere mint any list', () => {
    expect(escalationProblems(issuer(), { ...grant, allowedIps: [] })).toEqual([]);
    expect(escalationProblems(issuer(), { ...grant, allowedIps: ['10.0.0.0/8'] })).toEqual([]);
  });

  it('should keep a restricted token from minting a token usable from more addresses', () => {
    const restricted = issuer({ allowedIps: IpAllowList.from(['10.0.0.0/8']) });

    expect(escalationProblems(restricted, { ...grant, allowedIps: ['10.1.0.0/16'] })).toEqual([]);
    expect(escalationProblems(restricted, { ...grant, allowedIps: [] })[0]).toMatch(/allowedIps/);
    expect(escalationProblems(restricted, { ...grant, allowedIps: ['11.0.0.0/8'] })[0]).toMatch(
      /11\.0\.0\.0\/8/,
    );
    // Deleting sets no list: nothing to compare.
    expect(escalationProblems(restricted, grant)).toEqual([]);
  });
});
