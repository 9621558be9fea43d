import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { packageInfo } from '../../config/package-info';
import { TOKEN_PREFIX } from '../../modules/personal-access-tokens/token-secret';

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
    .addTag('Personal access tokens', "The caller's own tokens")
    .addTag('Service user tokens', "A service user's tokens, managed by an admin")
    .addTag('Users', "The organisation's people and service users (admin only)")
    .addTag('Profile', "The caller's own user")
    .addTag('Projects', "The organisation's projects")
    .addTag('Audit log', 'Who did what, from where and when (admin only)')
    .addTag('Health', 'Liveness and readiness (no token needed)')
    .build();
  return SwaggerModule.createDocument(app, config, {
    // Method names make clean client method names: getServiceUserToken, createProject, ...
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
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
