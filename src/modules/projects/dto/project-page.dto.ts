import { PageDto } from '../../../common/dto/pagination.dto';
import { ProjectResponseDto } from './project-response.dto';

export class ProjectPageDto extends PageDto(ProjectResponseDto, 'ProjectPage') {}
