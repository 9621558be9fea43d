import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PepperVerifier } from './entities/pepper-verifier.entity';
import { SecretHasher } from './secret-hasher.service';

const NAME = 'token-pepper';

/** The process was given another pepper than the database was first started with. */
export class PepperMismatchError extends Error {
  override readonly name = 'PepperMismatchError';
}

/**
 * On every start of the server or the command-line tool: the first one stores a verifier of the
 * pepper in the database; every later one must have the same pepper, or it stops with one line
 * naming TOKEN_PEPPER. Otherwise a wrong pepper fails silently: every stored token answers 401,
 * and tokens the command-line tool prints work nowhere else.
 */
@Injectable()
export class PepperCheck implements OnModuleInit {
  constructor(
    private readonly hasher: SecretHasher,
    @InjectRepository(PepperVerifier) private readonly verifiers: Repository<PepperVerifier>,
  ) {}

  async onModuleInit(): Promise<void> {
    const verifier = this.hasher.pepperVerifier();
    // Instances starting at once on a new database: the first insert wins, the others compare.
    await this.verifiers
      .createQueryBuilder()
      .insert()
      .values({ name: NAME, verifier, createdAt: new Date() })
      .orIgnore()
      .execute();
    const stored = await this.verifiers.findOneByOrFail({ name: NAME });
    if (stored.verifier !== verifier) {
      const file = this.hasher.pepperFile;
      throw new PepperMismatchError(
        file
          ? `TOKEN_PEPPER is unset and the pepper file ${file} is not the pepper this database was first started with: every stored token would be refused; restore the original file, or set TOKEN_PEPPER to the original pepper`
          : 'TOKEN_PEPPER is not the pepper this database was first started with: every stored token would be refused; set the original TOKEN_PEPPER',
      );
    }
  }
}
