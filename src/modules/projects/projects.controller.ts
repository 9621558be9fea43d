import { Body, Controller, Delete, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { ApiCreates } from '../../common/openapi/api-creates';
import { Page } from '../../common/dto/pagination.dto';
import { EventActor } from '../../common/events/domain-event';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import {
  Authenticated,
  CurrentActor,
  CurrentPrincipal,
  Principal,
  RequirePermissions,
  RequireProjectAccess,
} from '../auth';
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  UpdateProjectDto,
} from './dto/project-requests.dto';
import { ProjectPageDto } from './dto/project-page.dto';
import { ProjectResponseDto } from './dto/project-response.dto';
import { toProjectResponse } from './project.mapper';
import { ProjectsService } from './projects.service';

/** The project of the organisation the route acts on, named in the path. */
const ProjectId = () =>
  UuidParam('projectId', 'Project ID', { notFound: 'No such project in the organisation' });

@ApiTag('Projects', "The organisation's projects")
@ApiError(400, INVALID_INPUT)
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projectsService: ProjectsService) {}

  /**
   * List projects
   *
   * @remarks The projects the calling token may act on: all of the organisation's for an
   * all-projects token, else the token's own list. Sorted by name.
   */
  @Get()
  @Authenticated()
  @ApiOkResponse({ description: 'A page of projects', type: ProjectPageDto })
  async listProjects(
    @CurrentPrincipal() caller: Principal,
    @Query() query: ListProjectsQueryDto,
  ): Promise<ProjectPageDto> {
    const page = await this.projectsService.list(
      {
        organisationId: caller.user.organisationId,
        allProjects: caller.token.allProjects,
        projectIds: caller.token.projectIds,
      },
      query,
    );
    return {
      ...page,
      results: page.results.map(toProjectResponse),
    } satisfies Page<ProjectResponseDto>;
  }

  /**
   * Create a project
   *
   * @remarks Needs an owner, admin or author user calling with an all-projects token that carries
   * `owner` or `project:manage`.
   */
  @Post()
  @RequirePermissions('project:manage', {
    allProjects: true,
    userTypes: ['owner', 'admin', 'author'],
  })
  @ApiCreates('The new project', ProjectResponseDto)
  @ApiError(409, 'A project with this key already exists')
  async createProject(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @Body() dto: CreateProjectDto,
  ): Promise<ProjectResponseDto> {
    return toProjectResponse(
      await this.projectsService.create(caller.user.organisationId, dto, actor),
    );
  }

  /**
   * Get a project
   *
   * @remarks Any permission on the project is enough.
   */
  @Get(':projectId')
  @RequireProjectAccess('projectId')
  @ApiOkResponse({ description: 'The project', type: ProjectResponseDto })
  async getProject(
    @CurrentPrincipal() caller: Principal,
    @ProjectId() projectId: string,
  ): Promise<ProjectResponseDto> {
    return toProjectResponse(await this.projectsService.get(caller.user.organisationId, projectId));
  }

  /**
   * Update a project
   *
   * @remarks Name, key and protection. Needs `project:manage` (or `owner`) on the project, used by
   * an owner, admin or author: a member's token is capped by its type, whatever it carries.
   */
  @Put(':projectId')
  @RequirePermissions('project:manage', { project: 'projectId' })
  @ApiOkResponse({ description: 'The updated project', type: ProjectResponseDto })
  @ApiError(409, 'A project with this key already exists')
  async updateProject(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @ProjectId() projectId: string,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    const project = await this.projectsService.update(
      caller.user.organisationId,
      projectId,
      dto,
      actor,
    );
    return toProjectResponse(project);
  }

  /**
   * Delete a project
   *
   * @remarks Needs `owner` on the project, used by an owner or admin user (an author's or a
   * member's token is capped by its type), and the project must not be protected. The project
   * leaves every token's project list; answers the deleted project.
   */
  @Delete(':projectId')
  @RequirePermissions('owner', { project: 'projectId' })
  @ApiOkResponse({ description: 'The deleted project', type: ProjectResponseDto })
  @ApiError(409, 'The project is protected')
  async deleteProject(
    @CurrentPrincipal() caller: Principal,
    @CurrentActor() actor: EventActor,
    @ProjectId() projectId: string,
  ): Promise<ProjectResponseDto> {
    return toProjectResponse(
      await this.projectsService.delete(caller.user.organisationId, projectId, actor),
    );
  }
}
