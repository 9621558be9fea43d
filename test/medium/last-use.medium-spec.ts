import { INestApplication } from '@nestjs/common';
import { PersonalAccessTokenRepository } from '../../src/modules/personal-access-tokens/personal-access-token.repository';
import { PersonalAccessTokensService } from '../../src/modules/personal-access-tokens/personal-access-tokens.service';
import { newOwner, sql, startMediumApp } from './medium-app';

const MINUTE = 60_000;

describe('last uses written in one batch (the repository on a real database, no HTTP)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startMediumApp();
  });

  afterAll(() => app.close());

  it('writes each token of the batch, leaves one recorded since its threshold alone, and no other column', async () => {
    const owner = await newOwner(app);
    const actor = { userId: owner.user.id, tokenId: owner.token.id, ip: null };
    const service = app.get(PersonalAccessTokensService);
    const created: { id: string }[] = [];
    for (const note of ['first', 'second', 'third']) {
      const { token } = await service.create(
        owner.user,
        { note, permissions: ['releases:deploy'], allProjects: true, expiry: 'week' },
        null,
        actor,
      );
      created.push(token);
    }
    const [first, second, third] = created;
    const rows = async () =>
      sql<Record<string, unknown>>(
        app,
        'SELECT * FROM personal_access_tokens WHERE id IN (?, ?, ?) ORDER BY note',
        created.map((token) => token.id),
      );
    /** Everything but the last use, which is all a batch may write. */
    const withoutLastUse = (found: Record<string, unknown>[]) =>
      found.map(({ last_used_at: _at, last_used_ip: _ip, ...rest }) => rest);
    const before = withoutLastUse(await rows());
    const repository = app.get(PersonalAccessTokenRepository);
    const now = Date.now() - (Date.now() % 1000);
    // The third was used a moment ago, on another instance say.
    await repository.recordUses([
      {
        tokenId: third.id,
        ip: '10.0.0.3',
        at: new Date(now - 1000),
        unlessAfter: new Date(now - MINUTE),
      },
    ]);

    await repository.recordUses(
      [first, second, third].map((token, index) => ({
        tokenId: token.id,
        ip: `192.0.2.${index + 1}`,
        at: new Date(now),
        unlessAfter: new Date(now - MINUTE),
      })),
    );

    const read = async (id: string) => {
      const [row] = await sql<{ last_used_at: string | Date; last_used_ip: string }>(
        app,
        'SELECT last_used_at, last_used_ip FROM personal_access_tokens WHERE id = ?',
        [id],
      );
      const at = row.last_used_at;
      return {
        at: (at instanceof Date ? at : new Date(`${at.replace(' ', 'T')}Z`)).getTime(),
        ip: row.last_used_ip,
      };
    };
    expect(await read(first.id)).toEqual({ at: now, ip: '192.0.2.1' });
    expect(await read(second.id)).toEqual({ at: now, ip: '192.0.2.2' });
    expect(await read(third.id)).toEqual({ at: now - 1000, ip: '10.0.0.3' });
    expect(withoutLastUse(await rows())).toEqual(before);
  });
});
