import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Organisation } from './entities/organisation.entity';

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
  ) {}

  /** The oldest organisation: the one created on first start. */
  findDefault(): Promise<Organisation | null> {
    return this.organisations.findOne({ where: {}, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<Organisation | null> {
    return this.organisations.findOneBy({ id });
  }

  /** Creates the first organisation when there is none (first start), else returns the default. */
  async ensureDefault(name: string): Promise<Organisation> {
    const existing = await this.findDefault();
    if (existing) {
      return existing;
    }
    return this.organisations.save(this.organisations.create({ name }));
  }
}
