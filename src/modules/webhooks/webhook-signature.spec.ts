import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, signedHeaders } from './webhook-signature';

describe('webhook signatures', () => {
  it('should be accepted by the Standard Webhooks reference library', () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: 'token.created', timestamp: 'x', data: { a: 'é' } });
    const headers = signedHeaders(secret, 'msg_1', body, new Date());
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('should be refused by the library under another secret or for another body', () => {
    const secret = generateSigningSecret();
    const headers = signedHeaders(secret, 'msg_1', '{"a":1}', new Date());
    expect(() => new Webhook(generateSigningSecret()).verify('{"a":1}', { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', { ...headers })).toThrow();
  });

  it('should sign with the bytes after whsec_, as the specification spells it out', () => {
    // The example of the specification's README: secret, id, timestamp and body give this signature.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    const headers = signedHeaders(
      secret,
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      body,
      new Date(1614265330 * 1000),
    );
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('should make secrets of 32 random bytes, different each time', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });
});
