import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '../src/common/openapi/openapi';
import { AnnouncementsModule } from '../examples/announcements/announcements.module';
import { accessMatrix as announcementRows } from '../examples/announcements/announcements.access-matrix';
import { collectAccessMatrix, CORE_MODULES, describeAccessMatrix } from './support/access-matrix';
import { describeOpenApiRules, operationsIn } from './support/openapi-rules';
import { TestApp } from './support/test-app';

/*
 * docs/EXTENDING.md, held true: the example module in examples/announcements/ was written by the
 * guide (its folder, with its own entity, migrations, settings, routes, matrix rows and e2e test),
 * and is added here as the guide says, with one more entry after the core's modules. The core's
 * authorization matrix and OpenAPI rules then hold over the app with it, as they would for a module
 * added under src/modules/.
 */
const EXAMPLE = join(__dirname, '..', 'examples', 'announcements');
/** The one line: the module added after the core's (and, outside src/, where its folder is). */
const start = () => TestApp.start({ imports: [AnnouncementsModule], moduleFolders: [EXAMPLE] });
/** The matrix of the app with the example: the core's rows and the example's, each from its folder. */
const matrix = collectAccessMatrix(CORE_MODULES, EXAMPLE);

describe('A module added as docs/EXTENDING.md says (examples/announcements)', () => {
  it("should take the example's matrix rows from its own folder", () => {
    expect(Object.keys(announcementRows).length).toBeGreaterThan(0);
    for (const route of Object.keys(announcementRows)) {
      expect(matrix[route]).toBe(announcementRows[route]);
    }
  });

  describe('the authorization matrix, over the app with the example', () => {
    // Every route needs its row; the cells of the core's rows are called by the core's own test.
    describeAccessMatrix({ start, matrix, cells: (route) => route in announcementRows });
  });

  describe('the OpenAPI rules, over the app with the example', () => {
    let t: TestApp;
    let document: OpenAPIObject;

    beforeAll(async () => {
      t = await start();
      document = buildOpenApiDocument(t.app);
    });

    afterAll(async () => {
      await t.close();
    });

    it("should document the example's operations", () => {
      const ids = operationsIn(document).map(({ operation }) => operation.operationId);
      expect(ids).toEqual(
        expect.arrayContaining(['listAnnouncements', 'getAnnouncement', 'publishAnnouncement']),
      );
    });

    describeOpenApiRules(() => ({ t, document }), matrix);
  });
});
