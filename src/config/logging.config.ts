import { registerAs } from '@nestjs/config';
import { environment } from './environment';

export const loggingConfig = registerAs('logging', () => {
  const env = environment();
  return {
    level: env.LOG_LEVEL,
    format: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
  };
});
export type LoggingConfig = ReturnType<typeof loggingConfig>;
