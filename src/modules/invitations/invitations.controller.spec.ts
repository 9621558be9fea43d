import { HttpException } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AcceptInvitationDto } from './dto/invitation.dto';
import { InvitationsController, MAX_TRACKED_ADDRESSES } from './invitations.controller';
import { InvitationsService } from './invitations.service';

/** The accept route's per-address limit, before any code is looked at (the service refuses all). */
describe('InvitationsController: attempts per address', () => {
  const refusing = {
    accept: () => Promise.reject(new Error('unknown code')),
  } as unknown as InvitationsService;
  const attempt = (controller: InvitationsController, ip: string) => {
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    return controller
      .acceptInvitation(
        { ip } as FastifyRequest,
        reply as unknown as FastifyReply,
        {} as AcceptInvitationDto,
      )
      .then(
        () => 'accepted',
        (error: unknown) =>
          error instanceof HttpException && error.getStatus() === 429
            ? `429 ${headers['Retry-After']}`
            : 'tried',
      );
  };

  it('should refuse with 429 and Retry-After past the limit from one address', async () => {
    const controller = new InvitationsController(refusing, { acceptLimitPerHour: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await attempt(controller, '192.0.2.1'));
    }
    expect(answers).toEqual(['tried', 'tried', '429 3600']);
    expect(await attempt(controller, '192.0.2.2')).toBe('tried');
  });

  it('should track at most MAX_TRACKED_ADDRESSES addresses, forgetting the oldest', async () => {
    const controller = new InvitationsController(refusing, { acceptLimitPerHour: 1 });
    const ip = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    for (let i = 0; i < MAX_TRACKED_ADDRESSES + 500; i++) {
      await attempt(controller, ip(i));
    }
    expect(controller.attempts.trackedAddresses).toBe(MAX_TRACKED_ADDRESSES);
    expect(await attempt(controller, ip(0))).toBe('tried');
    expect(await attempt(controller, ip(MAX_TRACKED_ADDRESSES + 499))).toMatch(/^429 /);
  });
});
