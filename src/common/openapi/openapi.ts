import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { declaredApiTags } from './api-tag.decorator';
import { applyConventions, BEARER, operationsOf } from './openapi-conventions';
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

/** Each deployment is run by its own operators: the document names them, not a vendor. */
const CONTACT = { name: 'The operators of this service' };
/** As package.json says: not licensed for use outside the organisation. */
const LICENSE = { name: `Proprietary (${packageInfo.license})` };

/** The OpenAPI document of the app: the same for /docs, /docs-json and the committed openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Organisation access API')
    .setDescription(DESCRIPTION)
    .setVersion(packageInfo.version)
    // Relative: the document is served by the instance it describes, whatever its address.
    .addServer('/', 'The instance serving this document')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        // Opaque, not the JWT that DocumentBuilder assumes by default.
        bearerFormat: 'personal access token',
        description: `A personal access token (${TOKEN_PREFIX}_…), obtained through your profile`,
      },
      BEARER,
    )
    // Closed by default, as the routes are: public operations say `security: []`.
    .addSecurityRequirements(BEARER)
    .build();
  config.info.contact = CONTACT;
  config.info.license = LICENSE;
  const document = SwaggerModule.createDocument(app, config, {
    // Method names make clean client method names: getServiceUserToken, createProject, ...
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  // In the order the routes come, so that Swagger UI shows the sections as the API reads.
  const used = operationsOf(document).flatMap(({ operation }) => operation.tags ?? []);
  document.tags = declaredApiTags()
    .filter((tag) => used.includes(tag.name))
    .sort((a, b) => used.indexOf(a.name) - used.indexOf(b.name));
  applyConventions(document);
  return document;
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
