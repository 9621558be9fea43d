import { ProjectResponseDto } from './dto/project-response.dto';
import { Project } from './entities/project.entity';

export type ProjectFields = Pick<
  Project,
  'id' | 'name' | 'organisationId' | 'version' | 'createdAt' | 'updatedAt' | 'key' | 'protected'
>;

/** The only way a project leaves the service. */
export function toProjectResponse(project: ProjectFields): ProjectResponseDto {
  return {
    id: project.id,
    name: project.name,
    organisationId: project.organisationId,
    version: project.version,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
    key: project.key,
    protected: project.protected,
  };
}
