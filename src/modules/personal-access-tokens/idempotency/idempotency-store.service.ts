import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { isWellFormedTokenSecret } from '../../../common/tokens/token-secret';
import { SecretHasher } from '../../auth';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_MS,
  isValidIdempotencyKey,
  requestFingerprint,
  seal,
  sha256,
  unseal,
} from './idempotency-key';
import { IdempotentAnswer } from './idempotent-answer.entity';

/** Fastify route config of the routes whose answers are remembered (set with @Idempotent()). */
export interface IdempotentRouteConfig {
  idempotent?: boolean;
}

const REUSED_KEY = 'Idempotency-Key was already used for another request';

/** What a remembered answer is tied to. */
export interface IdempotentRequest {
  key: string;
  presentedSecret: string;
  method: string;
  path: string;
  body: unknown;
}

/**
 * Remembers the answer of a rotate or regenerate made with an Idempotency-Key, in the database (so
 * that a retry reaching another instance finds it) and encrypted (it holds a new secret), and
 * answers it again to a retry. A retry of a rotation presents the secret the rotation replaced, so
 * the replay runs before authentication, in a Fastify hook on the marked routes only: the secret
 * and the key together are what proves the caller made the first request.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  private readonly key: Buffer;

  constructor(
    @InjectRepository(IdempotentAnswer) private readonly answers: Repository<IdempotentAnswer>,
    private readonly hasher: SecretHasher,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.key = hasher.deriveKey('idempotent-answers');
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('preHandler', (request, reply) => this.replay(request, reply));
  }

  /** Keeps the answer with the change that produced it, in the same transaction. */
  async remember(
    manager: EntityManager,
    tokenId: string,
    request: IdempotentRequest,
    answer: object,
  ): Promise<void> {
    await manager.delete(IdempotentAnswer, { tokenId });
    await manager.insert(IdempotentAnswer, {
      tokenId,
      presentedSecretHash: this.hasher.hash(request.presentedSecret),
      keyHash: sha256(request.key),
      requestHash: requestFingerprint(request.method, request.path, request.body),
      sealedAnswer: seal(this.key, JSON.stringify(answer)),
      expiresAt: new Date(Date.now() + IDEMPOTENCY_WINDOW_MS),
    });
  }

  private async replay(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!(request.routeOptions.config as IdempotentRouteConfig).idempotent) {
      return;
    }
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    const secret = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (typeof key !== 'string' || !isValidIdempotencyKey(key) || !secret) {
      return;
    }
    if (!isWellFormedTokenSecret(secret)) {
      return;
    }
    const found = await this.answers.findOne({
      where: {
        presentedSecretHash: this.hasher.hash(secret),
        keyHash: sha256(key),
        expiresAt: MoreThan(new Date()),
      },
    });
    if (!found) {
      return;
    }
    if (found.requestHash !== requestFingerprint(request.method, request.url, request.body)) {
      // Answered here, before Nest's pipeline: in the shape of every other error.
      await reply.code(422).send({
        statusCode: 422,
        message: REUSED_KEY,
        error: 'Unprocessable Entity',
      });
      return;
    }
    const answer = unseal(this.key, found.sealedAnswer);
    if (answer === null) {
      return;
    }
    const { expiresAt } = JSON.parse(answer) as { expiresAt: string | null };
    if (expiresAt) {
      void reply.header('X-Token-Expires-At', expiresAt);
    }
    await reply
      .code(200)
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Idempotent-Replayed', 'true')
      .send(answer);
  }
}
