import { applyDecorators, Header } from '@nestjs/common';

/**
 * For a route whose answer carries a secret (a token created, regenerated, rotated, an invitation
 * accepted): no cache on the way (a proxy, the browser's disk) may keep a copy of it.
 */
export const AnswersWithSecret = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
