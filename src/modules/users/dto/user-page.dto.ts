import { PageDto } from '../../../common/dto/pagination.dto';
import { UserResponseDto } from './user-response.dto';

export class UserPageDto extends PageDto(UserResponseDto, 'UserPage') {}
