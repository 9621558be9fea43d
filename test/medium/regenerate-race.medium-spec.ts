import { ConflictException, INestApplication } from '@nestjs/common';
import { SecretHasher } from '../../src/modules/auth';
import { PersonalAccessTokenRepository } from '../../src/modules/personal-access-tokens/personal-access-token.repository';
import { PersonalAccessTokensService } from '../../src/modules/personal-access-tokens/personal-access-tokens.service';
import { newOwner, sql, startMediumApp } from './medium-app';

const CONCURRENT = 8;
const TRIALS = 5;

describe('concurrent regenerates of one token (the service on a real database, no HTTP)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startMediumApp();
  });

  afterAll(() => app.close());

  it(`leaves exactly one working secret, one that a successful regenerate answered (${TRIALS} trials of ${CONCURRENT})`, async () => {
    const tokens = app.get(PersonalAccessTokensService);
    const repository = app.get(PersonalAccessTokenRepository);
    const hasher = app.get(SecretHasher);
    const owner = await newOwner(app);
    const tokenOwner = owner.user;
    const actor = { userId: owner.user.id, tokenId: owner.token.id, ip: null };
    for (let trial = 0; trial < TRIALS; trial++) {
      const { token } = await tokens.create(
        tokenOwner,
        {
          note: `race ${trial}`,
          permissions: ['releases:deploy'],
          allProjects: true,
          expiry: 'week',
        },
        null,
        actor,
      );
      const outcomes = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, () =>
          tokens.regenerate(tokenOwner, token.id, {}, null, actor),
        ),
      );
      const answered = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value.secret] : [],
      );
      const refusals = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
      );
      // A lost race is a 409 the client can retry, never another error.
      expect(refusals.every((reason) => reason instanceof ConflictException)).toBe(true);
      expect(answered.length).toBeGreaterThanOrEqual(1);
      const working = [];
      for (const secret of answered) {
        if (await repository.findBySecretHash(hasher.hash(secret))) {
          working.push(secret);
        }
      }
      expect(working).toHaveLength(1);
      // Each success replaced exactly one secret, recorded so that its later use is reported:
      // two successes that read the same secret would record fewer replacements than answers.
      const [{ replaced }] = await sql<{ replaced: number | string }>(
        app,
        'SELECT COUNT(*) AS replaced FROM replaced_token_secrets WHERE token_id = ?',
        [token.id],
      );
      expect(Number(replaced)).toBe(answered.length);
    }
  });
});
