import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Page, toPage } from '../../common/dto/pagination.dto';
import { DomainEvents, eventAbout, EventActor } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { orNotFound } from '../../common/http/not-found';
import { isUniqueViolation } from '../../database/database-errors';
import { containsText } from '../../database/like-pattern';
import { findPage } from '../../database/page-query';
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  UpdateProjectDto,
} from './dto/project-requests.dto';
import { Project } from './entities/project.entity';

/** Which projects a caller may see: all of the organisation, or a list. */
export interface ProjectScope {
  organisationId: string;
  allProjects: boolean;
  projectIds: ReadonlySet<string>;
}

const DUPLICATE_KEY = 'A project with this key already exists in the organisation';

@Injectable()
export class ProjectsService {
  constructor(
    @InjectRepository(Project) private readonly projects: Repository<Project>,
    private readonly publisher: DomainEventPublisher,
  ) {}

  async list(scope: ProjectScope, query: ListProjectsQueryDto): Promise<Page<Project>> {
    if (!scope.allProjects && scope.projectIds.size === 0) {
      return toPage([], 0, query);
    }
    const builder = this.projects
      .createQueryBuilder('project')
      .where('project.organisationId = :organisationId', { organisationId: scope.organisationId });
    if (!scope.allProjects) {
      builder.andWhere('project.id IN (:...ids)', { ids: [...scope.projectIds] });
    }
    if (query.search) {
      builder.andWhere(containsText(['project.name', 'project.key'], query.search));
    }
    return findPage(builder, 'project.name', query);
  }

  async get(organisationId: string, id: string): Promise<Project> {
    return orNotFound(await this.projects.findOneBy({ id, organisationId }), 'Project not found');
  }

  /** The organisation's projects among `ids`, and the ids that are not among them. */
  async findMany(organisationId: string, ids: readonly string[]) {
    const found =
      ids.length > 0 ? await this.projects.findBy({ organisationId, id: In([...ids]) }) : [];
    const foundIds = new Set(found.map((project) => project.id));
    return { found, missing: ids.filter((id) => !foundIds.has(id)) };
  }

  async create(organisationId: string, dto: CreateProjectDto, actor: EventActor): Promise<Project> {
    const project = this.projects.create({
      organisationId,
      name: dto.name,
      key: dto.key,
      protected: dto.protected ?? false,
      version: dto.version ?? 'v1',
    });
    await this.saveUniquely(() =>
      this.publisher.transaction(async (tx) => {
        await tx.manager.insert(Project, project);
        tx.publish(
          eventAbout('project', project, DomainEvents.ProjectCreated, actor, {
            name: project.name,
            key: project.key,
            version: project.version,
            protected: project.protected,
          }),
        );
      }),
    );
    return project;
  }

  async update(organisationId: string, id: string, dto: UpdateProjectDto, actor: EventActor) {
    const project = await this.get(organisationId, id);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of ['name', 'key', 'protected'] as const) {
      const next = dto[field];
      if (next !== undefined && next !== project[field]) {
        changes[field] = { from: project[field], to: next };
      }
    }
    if (Object.keys(changes).length === 0) {
      return project;
    }
    this.projects.merge(project, {
      name: dto.name ?? project.name,
      key: dto.key ?? project.key,
      protected: dto.protected ?? project.protected,
    });
    return this.saveUniquely(() =>
      this.publisher.transaction(async (tx) => {
        const saved = await tx.manager.save(project);
        tx.publish(eventAbout('project', saved, DomainEvents.ProjectUpdated, actor, { changes }));
        return saved;
      }),
    );
  }

  /** Deletes the project; it leaves every token's project list with it. */
  async delete(organisationId: string, id: string, actor: EventActor): Promise<Project> {
    const project = await this.get(organisationId, id);
    if (project.protected) {
      throw new ConflictException('The project is protected: unprotect it before deleting it');
    }
    // Guarded by `protected = false` so that a concurrent protect wins over the delete.
    await this.publisher.transaction(async (tx) => {
      const result = await tx.manager.delete(Project, { id, organisationId, protected: false });
      if (!result.affected) {
        throw new ConflictException('The project changed while it was being deleted; try again');
      }
      tx.publish(
        eventAbout('project', project, DomainEvents.ProjectDeleted, actor, {
          name: project.name,
          key: project.key,
        }),
      );
    });
    return project;
  }

  private async saveUniquely<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException(DUPLICATE_KEY);
      }
      throw error;
    }
  }
}
