import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { EventActor } from '../../common/events/domain-event';
import { Authenticated, AuthenticatedUser, CurrentActor, CurrentUser } from '../auth';
import { UpdateProfileDto } from './dto/user-requests.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { toUserResponse } from './user.mapper';
import { UsersService } from './users.service';

@ApiTag('Profile', "The caller's own user")
@Authenticated()
@Controller('profile')
export class ProfileController {
  constructor(private readonly usersService: UsersService) {}

  /**
   * Get your profile
   *
   * @remarks The user that owns the token used for the call.
   */
  @Get()
  @ApiOkResponse({ description: 'Your user', type: UserResponseDto })
  getProfile(@CurrentUser() user: AuthenticatedUser): UserResponseDto {
    return toUserResponse(user);
  }

  /**
   * Update your profile
   *
   * @remarks Only your own first and last name; type and status are changed by an admin.
   */
  @Put()
  @ApiOkResponse({ description: 'Your updated user', type: UserResponseDto })
  @ApiError(400, INVALID_INPUT)
  async updateProfile(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Body() dto: UpdateProfileDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.usersService.updateProfile(user, dto, actor));
  }
}
