import { HttpException } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { PerAddressLimit } from './per-address-limit';

const HOUR_MS = 60 * 60 * 1000;

/** What one request answers: "ok", or "429 <Retry-After> <message>". */
function request(limit: PerAddressLimit, ip: string): string {
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  try {
    limit.count(ip, reply as unknown as FastifyReply);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    const refused = error as HttpException;
    return `${refused.getStatus()} ${headers['Retry-After']} ${refused.message}`;
  }
}

describe('PerAddressLimit', () => {
  const rule = { limit: 2, windowMs: HOUR_MS, maxAddresses: 3, refusal: 'Slow down' };

  it('should answer 429 with Retry-After and its message past the limit, per address', () => {
    const limit = new PerAddressLimit({ ...rule, blockMs: 2 * HOUR_MS });
    expect([1, 2, 3].map(() => request(limit, '192.0.2.1'))).toEqual([
      'ok',
      'ok',
      '429 7200 Slow down',
    ]);
    expect(request(limit, '192.0.2.2')).toBe('ok');
  });

  it('should refuse until the window ends without a block duration', () => {
    const limit = new PerAddressLimit({ ...rule, blockMs: 0 });
    request(limit, '192.0.2.1');
    request(limit, '192.0.2.1');
    expect(request(limit, '192.0.2.1')).toMatch(/^429 (3600|3599) Slow down$/);
  });

  it('should count at most maxAddresses addresses', () => {
    const limit = new PerAddressLimit({ ...rule, blockMs: 0 });
    for (let i = 0; i < 10; i++) {
      request(limit, `10.0.0.${i}`);
    }
    expect(limit.trackedAddresses).toBe(3);
  });
});
