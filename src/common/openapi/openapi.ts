import { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  OpenAPIObject,
  OperationObject,
  ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { STATUS_TEXT } from '../http/status-text';
import { declaredApiTags } from './api-tag.decorator';
import { packageInfo } from '../../config/package-info';
import { TOKEN_PREFIX } from '../tokens/token-secret';

export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `Manage an organisation's users, service users, projects and personal access tokens.

**Authentication.** Every call under \`/api\` sends a personal access token:

    Authorization: Bearer ${TOKEN_PREFIX}_…

Click **Authorize** and paste a token (the first admin token is printed when the service first
starts; \`npm run cli -- create-admin --email you@example.com\` makes another). Missing, unknown,
expired or deleted tokens answer 401; a valid token without the right answers 403. Secrets are
answered once, by create and regenerate, and stored only as a keyed hash.`;

/** The OpenAPI document of the app: the same for /docs, /docs-json and the committed openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Organisation access API')
    .setDescription(DESCRIPTION)
    .setVersion(packageInfo.version)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Opaque, not the JWT that DocumentBuilder assumes by default.
      bearerFormat: 'personal access token',
      description: `A personal access token (${TOKEN_PREFIX}_…), obtained through your profile`,
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Method names make clean client method names: getServiceUserToken, createProject, ...
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  // In the order the routes come, so that Swagger UI shows the sections as the API reads.
  const used = operationsOf(document).flatMap((operation) => operation.tags ?? []);
  document.tags = declaredApiTags()
    .filter((tag) => used.includes(tag.name))
    .sort((a, b) => used.indexOf(a.name) - used.indexOf(b.name));
  exemplifyErrors(document);
  return document;
}

type Operation = OperationObject & { responses: Record<string, ResponseObject> };

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.values(document.paths).flatMap((item) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const)
      .map((method) => item[method])
      .filter((operation): operation is Operation => operation !== undefined),
  );
}

/**
 * Each error answer's example shows its own status (the error body's schema can only carry one):
 * the message is the response's description, except for the answers whose wording is fixed.
 */
function exemplifyErrors(document: OpenAPIObject): void {
  const fixed: Record<string, string | string[]> = {
    '400': ['note must be shorter than or equal to 100 characters'],
    '401': 'A valid bearer token is required',
    '429': 'Too many failed authentications from this address; try again later',
  };
  for (const operation of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const json = response.content?.['application/json'];
      if (Number(status) < 400 || !json) {
        continue;
      }
      json.example = {
        statusCode: Number(status),
        message: fixed[status] ?? response.description,
        error: STATUS_TEXT[Number(status)] ?? 'Error',
      };
    }
  }
}

export function serveOpenApiDocument(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    customSiteTitle: 'Organisation access API',
    swaggerOptions: {
      persistAuthorization: true,
      displayOperationId: true,
      tryItOutEnabled: false,
    },
  });
}
