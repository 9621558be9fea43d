import type { FastifyBaseLogger } from 'fastify';
import { NestPinoLogger } from './logging';

/** A logger that remembers each line as [level, fields, message]. */
function recordingLogger() {
  const lines: [string, unknown, unknown][] = [];
  const at = (level: string) => (fields: unknown, message: unknown) => {
    lines.push([level, fields, message]);
  };
  const logger = {
    info: at('info'),
    debug: at('debug'),
    warn: at('warn'),
    error: at('error'),
    trace: at('trace'),
    fatal: at('fatal'),
  } as unknown as FastifyBaseLogger;
  return { logger, lines };
}

describe('NestPinoLogger', () => {
  it("should write Nest's route-mapping lines at debug, everything else it logs at info", () => {
    const { logger, lines } = recordingLogger();
    const nest = new NestPinoLogger(logger);
    nest.log('AppController {/api}:', 'RoutesResolver');
    nest.log('Mapped {/api/profile, GET} route', 'RouterExplorer');
    nest.log('Nest application successfully started', 'NestApplication');
    expect(lines).toEqual([
      ['debug', { context: 'RoutesResolver' }, 'AppController {/api}:'],
      ['debug', { context: 'RouterExplorer' }, 'Mapped {/api/profile, GET} route'],
      ['info', { context: 'NestApplication' }, 'Nest application successfully started'],
    ]);
  });
});
