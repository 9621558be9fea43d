import createClient from 'openapi-fetch';
import type { paths } from './openapi.generated';

/*
 * What a team writes with a client generated from openapi.json by `openapi-typescript` (default
 * settings) and `openapi-fetch`: the README's walk first, then every other operation. It is
 * type-checked against a freshly generated client by test/openapi-tooling.contract-spec.ts, which
 * also fails when an operation of openapi.json is not called here: add a call for a new route.
 */

type Client = ReturnType<typeof createClient<paths>>;

/** The data of an answer, or an error naming the call that failed. */
function ok<T>(call: string, answer: { data?: T; error?: unknown }): T {
  if (answer.data === undefined) {
    throw new Error(`${call} failed: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

export async function readmeWalk(api: Client) {
  // A project, a service user, and a token for that service user on that project.
  const project = ok(
    'createProject',
    await api.POST('/api/projects', { body: { name: 'Pricing rules', key: 'pricing-rules' } }),
  );
  const bot = ok(
    'createServiceUser',
    await api.POST('/api/users/service', { body: { email: 'deploy-bot@example.com' } }),
  );
  const pat = ok(
    'createServiceUserToken',
    await api.POST('/api/users/service/{userId}/personal-access-tokens', {
      params: { path: { userId: bot.id } },
      body: {
        note: 'Deploy pipeline',
        allProjects: false,
        projects: [project.id],
        permissions: ['releases:deploy'],
        expiry: 'month',
      },
    }),
  );
  const secret: string = pat.token;
  // The documented endpoint.
  const read = ok(
    'getServiceUserToken',
    await api.GET('/api/users/service/{userId}/personal-access-tokens/{patId}', {
      params: { path: { userId: bot.id, patId: pat.id } },
    }),
  );
  const expires: string | null = read.expiresAt;
  return { project, bot, pat, secret, expires };
}

export async function everyOtherOperation(api: Client) {
  const { project, bot, pat } = await readmeWalk(api);

  // Health (no token needed)
  ok('liveness', await api.GET('/health'));
  ok('readiness', await api.GET('/health/ready'));

  // Profile
  const me = ok('getProfile', await api.GET('/api/profile'));
  ok(
    'updateProfile',
    await api.PUT('/api/profile', { body: { firstName: 'Ada', lastName: null } }),
  );

  // The caller's own tokens
  const mine = ok('listTokens', await api.GET('/api/personal-access-tokens'));
  const created = ok(
    'createToken',
    await api.POST('/api/personal-access-tokens', {
      body: { note: 'Laptop', allProjects: true, permissions: ['documents'], expiry: 'week' },
    }),
  );
  const path = { path: { patId: created.id } };
  ok('getToken', await api.GET('/api/personal-access-tokens/{patId}', { params: path }));
  ok(
    'regenerateToken',
    await api.POST('/api/personal-access-tokens/{patId}/regenerate', {
      params: path,
      body: { expiry: 'week' },
    }),
  );
  const found = ok(
    'lookupToken',
    await api.POST('/api/personal-access-tokens/lookup', { body: { token: created.token } }),
  );
  const status: 'active' | 'expired' | 'replaced' = found.status;
  const introspected = ok(
    'introspectToken',
    await api.POST('/api/personal-access-tokens/introspect', { body: { token: created.token } }),
  );
  const active: boolean = introspected.active;
  ok('getSelf', await api.GET('/api/personal-access-tokens/self'));
  const verified = ok(
    'verify',
    await api.GET('/api/auth/verify', { params: { query: { permission: 'owner' } } }),
  );
  const verifiedUser: string = verified.userId;
  ok('deleteToken', await api.DELETE('/api/personal-access-tokens/{patId}', { params: path }));

  // A service user's tokens
  const service = { path: { userId: bot.id } };
  ok(
    'listServiceUserTokens',
    await api.GET('/api/users/service/{userId}/personal-access-tokens', { params: service }),
  );
  const botToken = { path: { userId: bot.id, patId: pat.id } };
  ok(
    'regenerateServiceUserToken',
    await api.POST('/api/users/service/{userId}/personal-access-tokens/{patId}/regenerate', {
      params: botToken,
      body: { expiry: 'three_months' },
    }),
  );
  ok(
    'deleteServiceUserToken',
    await api.DELETE('/api/users/service/{userId}/personal-access-tokens/{patId}', {
      params: botToken,
    }),
  );

  // Users
  const users = ok(
    'listUsers',
    await api.GET('/api/users', { params: { query: { page: 1, perPage: 50, isService: true } } }),
  );
  const total: number = users.paginate.total;
  ok('getUser', await api.GET('/api/users/{userId}', { params: service }));
  ok(
    'updateUser',
    await api.PUT('/api/users/{userId}', { params: service, body: { type: 'admin' } }),
  );
  const invited = ok(
    'inviteUser',
    await api.POST('/api/users', { body: { email: 'ada@example.com', type: 'member' } }),
  );
  const joined = ok(
    'acceptInvitation',
    await api.POST('/api/invitations/accept', {
      body: {
        code: invited.invitation.code,
        firstName: 'Ada',
        token: { note: 'Laptop', permissions: ['documents'], allProjects: true, expiry: 'week' },
      },
    }),
  );
  ok(
    'deleteUser',
    await api.DELETE('/api/users/{userId}', { params: { path: { userId: joined.user.id } } }),
  );

  // Projects
  const projects = ok(
    'listProjects',
    await api.GET('/api/projects', { params: { query: { search: 'pricing', page: 1 } } }),
  );
  const byId = { path: { projectId: project.id } };
  ok('getProject', await api.GET('/api/projects/{projectId}', { params: byId }));
  ok(
    'updateProject',
    await api.PUT('/api/projects/{projectId}', { params: byId, body: { protected: false } }),
  );
  ok('deleteProject', await api.DELETE('/api/projects/{projectId}', { params: byId }));

  // Audit log
  const audit = ok(
    'listAuditEntries',
    await api.GET('/api/audit-log', { params: { query: { action: 'token.created' } } }),
  );

  // Webhooks
  const webhook = ok(
    'createWebhook',
    await api.POST('/api/webhooks', {
      body: { url: 'https://hooks.example.com/pat', events: ['token.expiring', 'token.expired'] },
    }),
  );
  const signingSecret: string = webhook.secret;
  ok('listWebhooks', await api.GET('/api/webhooks'));
  const hook = { path: { webhookId: webhook.id } };
  ok('getWebhook', await api.GET('/api/webhooks/{webhookId}', { params: hook }));
  ok(
    'updateWebhook',
    await api.PUT('/api/webhooks/{webhookId}', { params: hook, body: { events: ['*'] } }),
  );
  const deliveries = ok(
    'listWebhookDeliveries',
    await api.GET('/api/webhooks/{webhookId}/deliveries', { params: hook }),
  );
  const [delivery] = deliveries.results;
  if (delivery) {
    ok(
      'redeliverWebhookDelivery',
      await api.POST('/api/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
        params: { path: { webhookId: webhook.id, deliveryId: delivery.id } },
      }),
    );
  }
  ok('deleteWebhook', await api.DELETE('/api/webhooks/{webhookId}', { params: hook }));

  // A secret found where it should not be: revoked without a token.
  ok(
    'revokeCredentials',
    await api.POST('/api/credentials/revoke', { body: { credentials: [pat.token] } }),
  );

  // Last: the token rotates itself (the secret in use changes), then deletes itself.
  const rotated = ok(
    'rotateSelf',
    await api.POST('/api/personal-access-tokens/self/rotate', { body: { expiry: 'month' } }),
  );
  const fresh = createClient<paths>({
    baseUrl: '',
    headers: { Authorization: `Bearer ${rotated.token}` },
  });
  ok('deleteSelf', await fresh.DELETE('/api/personal-access-tokens/self'));

  return { me, mine, status, active, verifiedUser, total, projects, audit };
}
