import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppOptions, createApp } from '../../src/app.factory';
import { currentDatabaseKind } from '../../src/database/database-kind';
import { CreateTokenDto } from '../../src/modules/personal-access-tokens/dto/token-requests.dto';
import {
  IssuedToken,
  ProvisioningService,
} from '../../src/modules/provisioning/provisioning.service';
import { expectStatus } from './http';
import { checkedAgent } from './openapi-contract';

export type { IssuedToken };

/** A token request's fields, each defaulted by the helper that takes them. */
export type TokenOptions = Partial<Omit<CreateTokenDto, 'allowedIps'>>;

/**
 * The real application, built by the same factory as main.ts, on the test file's own database
 * (SQLite or PostgreSQL, with the real migrations), reached over HTTP through supertest.
 */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    /** An owner person with an owner token on all projects. */
    readonly owner: IssuedToken,
  ) {}

  /** `options`: modules added to the core's, as createApp takes them. */
  static async start(options: AppOptions = {}): Promise<TestApp> {
    const app = await createApp(options);
    const owner = await app
      .get(ProvisioningService)
      .createAdmin({ email: `owner-${Date.now()}@example.com`, type: 'owner', expiry: 'year' });
    return new TestApp(app, owner);
  }

  get database(): DataSource {
    return this.app.get(DataSource);
  }

  get kind() {
    return currentDatabaseKind();
  }

  /** Requests to the app; each answer is checked against openapi.json (openapi-contract.ts). */
  http() {
    return checkedAgent(request(this.app.getHttpServer()));
  }

  /** Requests as the bearer of `token`. */
  as(token: string) {
    const http = this.http();
    const auth = (test: request.Test) => test.set('Authorization', `Bearer ${token}`);
    return {
      get: (path: string) => auth(http.get(path)),
      post: (path: string) => auth(http.post(path)),
      put: (path: string) => auth(http.put(path)),
      delete: (path: string) => auth(http.delete(path)),
    };
  }

  async createProject(name: string, key: string, extra: Record<string, unknown> = {}) {
    const response = await this.as(this.owner.token)
      .post('/api/projects')
      .send({ name, key, ...extra });
    expectStatus(response, 201);
    return response.body as { id: string; key: string; name: string };
  }

  async createServiceUser(email: string, type: 'admin' | 'member' = 'member') {
    const response = await this.as(this.owner.token)
      .post('/api/users/service')
      .send({ email, type });
    expectStatus(response, 201);
    return response.body as { id: string; email: string; type: string };
  }

  /** A token for a service user, created by the owner through the admin route. */
  async createServiceUserToken(
    userId: string,
    options: TokenOptions = {},
  ): Promise<IssuedToken & { body: Record<string, unknown> }> {
    const response = await this.as(this.owner.token)
      .post(`/api/users/service/${userId}/personal-access-tokens`)
      .send({
        note: options.note ?? 'test token',
        permissions: options.permissions ?? ['owner'],
        allProjects: options.allProjects ?? true,
        projects: options.projects ?? [],
        expiry: options.expiry ?? 'month',
      });
    expectStatus(response, 201);
    const body = response.body as { id: string; token: string };
    return {
      userId,
      tokenId: body.id,
      token: body.token,
      body: response.body as Record<string, unknown>,
    };
  }

  /**
   * A person (not a service user) of `type` with a token. Created as an admin by the provisioning
   * service (what the command-line tool does), then given its type by the owner over HTTP.
   */
  async createPerson(
    email: string,
    type: 'owner' | 'admin' | 'author' | 'member',
    options: TokenOptions = {},
  ): Promise<IssuedToken> {
    const provisioning = this.app.get(ProvisioningService);
    const admin = await provisioning.createAdmin({
      email,
      type: type === 'owner' ? 'owner' : 'admin',
      expiry: 'month',
    });
    if (type === 'author' || type === 'member') {
      expectStatus(
        await this.as(this.owner.token).put(`/api/users/${admin.userId}`).send({ type }),
        200,
      );
    }
    if (
      options.permissions === undefined &&
      options.allProjects === undefined &&
      options.projects === undefined
    ) {
      return admin;
    }
    return provisioning.createToken({
      email,
      note: options.note ?? 'person token',
      permissions: options.permissions ?? ['owner'],
      allProjects: options.allProjects ?? true,
      projects: options.projects ?? [],
      expiry: options.expiry ?? 'month',
    });
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}
