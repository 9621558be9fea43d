import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { send } from './support/http';
import {
  Answer,
  checkedAgent,
  contractProblems,
  expectDocumented,
} from './support/openapi-contract';

/*
 * The check the e2e helpers run on every answer (test/support/openapi-contract.ts), held to what
 * it must catch: answers built here from the committed openapi.json, right and then wrong.
 */

const document = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};
const PROJECT_ID = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const REQUEST_ID = '9d9c0f8e-3b1a-4c55-9a0e-5e7a1c2b3d4f';

const project = {
  id: PROJECT_ID,
  name: 'Pricing rules',
  organisationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  version: 'v1',
  key: 'pricing-rules',
  protected: false,
  createdAt: '2026-11-30T12:00:00.000Z',
  updatedAt: '2026-11-30T12:00:00.000Z',
};

/** GET /api/projects/{id} answered as the service answers it. */
function answer(overrides: Partial<Answer> = {}, body: unknown = project): Answer {
  return {
    method: 'GET',
    url: `/api/projects/${PROJECT_ID}?x=1`,
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': REQUEST_ID,
      'x-token-expires-at': '2026-12-30T12:00:00.000Z',
      'x-content-type-options': 'nosniff',
    },
    text: JSON.stringify(body),
    ...overrides,
  };
}

describe('the check of live answers against openapi.json', () => {
  it('should pass an answer as the document describes it', () => {
    expect(document.components.schemas.ProjectResponseDto).toBeDefined();
    expect(contractProblems(answer())).toEqual([]);
    expect(() => expectDocumented(answer())).not.toThrow();
  });

  it('should name a status the operation does not document', () => {
    expect(() => expectDocumented(answer({ status: 418 }))).toThrow(
      /GET \/api\/projects\/3c90c3cc-0d44-4b50-8888-8dd25736052a answered 418, which openapi.json does not document that way for getProject \(GET \/api\/projects\/\{projectId\}\):\n {2}- the status 418 is not documented \(documented: 200, /,
    );
  });

  it('should name what in the body is off its schema', () => {
    expect(contractProblems(answer({}, { ...project, version: 'v9' }))).toEqual([
      expect.stringMatching(/^the body \/version must be equal to one of the allowed values/),
    ]);
    expect(contractProblems(answer({}, { ...project, createdAt: 'yesterday' }))).toEqual([
      expect.stringMatching(/^the body \/createdAt must match format "date-time"/),
    ]);
    const { key: _key, ...withoutKey } = project;
    expect(contractProblems(answer({}, withoutKey))).toEqual([
      expect.stringMatching(/must have required property 'key'/),
    ]);
    expect(contractProblems(answer({ text: 'not json' }))).toEqual(['the body is not JSON']);
  });

  it('should hold an error answer to the error body', () => {
    const refused = answer(
      { status: 404 },
      { statusCode: 404, message: 'Project not found', error: 'Not Found' },
    );
    expect(contractProblems(refused)).toEqual([]);
    expect(contractProblems({ ...refused, text: '{"message":"Client Error"}' })).toEqual([
      expect.stringMatching(/must have required property 'statusCode'/),
    ]);
  });

  it('should want every required header, and refuse a header of its own the answer does not declare', () => {
    const headers = answer().headers;
    const { 'x-request-id': _id, ...withoutId } = headers;
    expect(contractProblems(answer({ headers: withoutId }))).toEqual([
      'the header X-Request-Id is required but was not sent',
    ]);
    expect(contractProblems(answer({ headers: { ...headers, 'x-debug-user': 'ada' } }))).toEqual([
      'the header x-debug-user was sent but is not declared for this answer',
    ]);
    expect(
      contractProblems(answer({ headers: { ...headers, 'x-token-expires-at': 'soon' } })),
    ).toEqual([expect.stringMatching(/^the header X-Token-Expires-At: "soon" .*date-time/)]);
  });

  it('should route a path as the server does: a static segment before a parameter', () => {
    const self = {
      method: 'GET',
      url: '/api/personal-access-tokens/self',
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': REQUEST_ID },
      text: '{}',
    };
    // Held to getSelf's token schema, not getToken's parameter: `{}` lacks the token's fields.
    expect(contractProblems(self).join('\n')).toMatch(/must have required property 'id'/);
    expect(() => expectDocumented(self)).toThrow(/for getSelf /);
  });

  it('should leave alone what reaches no operation: an unknown route, /docs, another method', () => {
    expect(contractProblems(answer({ url: '/api/nowhere', status: 404 }))).toEqual([]);
    expect(contractProblems(answer({ url: '/docs', status: 200, text: '<html>' }))).toEqual([]);
    expect(contractProblems(answer({ method: 'HEAD', text: '' }))).toEqual([]);
  });

  describe('in the helpers that make the requests', () => {
    /** A server that answers every request 418 with the error body and a request id. */
    const teapot = createServer((_request, response) =>
      response
        .writeHead(418, { 'content-type': 'application/json', 'x-request-id': REQUEST_ID })
        .end('{"statusCode":418,"message":"No","error":"I am a teapot"}'),
    );

    afterAll(() => new Promise((resolve) => teapot.close(resolve)));

    it('should fail the await of a supertest request that gets an undocumented answer', async () => {
      const http = checkedAgent(request(teapot));
      await expect(http.get(`/api/projects/${PROJECT_ID}`)).rejects.toThrow(
        /answered 418, which openapi.json does not document that way for getProject/,
      );
      // What reaches no operation passes through.
      expect((await http.get('/nowhere')).status).toBe(418);
    });

    it('should fail a send() to a server process that gets an undocumented answer', async () => {
      await new Promise<void>((resolve) => teapot.listen(0, '127.0.0.1', resolve));
      const { port } = teapot.address() as AddressInfo;
      await expect(send(`http://127.0.0.1:${port}`, `/api/projects/${PROJECT_ID}`)).rejects.toThrow(
        /answered 418, which openapi.json does not document that way for getProject/,
      );
    });
  });
});
