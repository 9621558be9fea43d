import { Body, Controller, Delete, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTag } from '../../common/openapi/api-tag.decorator';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiError, INVALID_INPUT } from '../../common/openapi/api-error';
import { ApiCreates } from '../../common/openapi/api-creates';
import { Page } from '../../common/dto/pagination.dto';
import { EventActor } from '../../common/events/domain-event';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { AdminOnly, AuthenticatedUser, CurrentActor, CurrentUser } from '../auth';
import { CreateServiceUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user-requests.dto';
import { UserPageDto } from './dto/user-page.dto';
import { UserResponseDto } from './dto/user-response.dto';
import { toUserResponse } from './user.mapper';
import { UserActor, UsersService } from './users.service';

/** The user of the organisation the route acts on, named in the path. */
const UserId = () =>
  UuidParam('userId', 'User ID', { notFound: 'No such user in the organisation' });

/** The caller as the users service judges them: who they are, of what type, in which organisation. */
const asUserActor = (caller: AuthenticatedUser, actor: EventActor): UserActor => ({
  ...actor,
  userId: caller.id,
  type: caller.type,
  organisationId: caller.organisationId,
});

@ApiTag('Users', "The organisation's people and service users (admin only)")
@AdminOnly()
@ApiError(400, INVALID_INPUT)
@Controller('users')
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  /**
   * List users
   *
   * @remarks A page of the organisation's users, people and service users (admin only), oldest
   * first, optionally searched by email and names and filtered on service users.
   */
  @Get()
  @ApiOkResponse({ description: 'A page of users', type: UserPageDto })
  async listUsers(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: ListUsersQueryDto,
  ): Promise<UserPageDto> {
    const page = await this.usersService.list(caller.organisationId, query);
    return { ...page, results: page.results.map(toUserResponse) } satisfies Page<UserResponseDto>;
  }

  /**
   * Create a service user
   *
   * @remarks A machine account for pipelines and integrations (admin only). Give it tokens with
   * the service-user token routes.
   */
  @Post('service')
  @ApiCreates('The new service user', UserResponseDto)
  @ApiError(409, 'A user with this email already exists')
  async createServiceUser(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @Body() dto: CreateServiceUserDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(
      await this.usersService.createServiceUser(caller.organisationId, dto, actor),
    );
  }

  /**
   * Get a user
   *
   * @remarks Any user of the organisation, person or service user (admin only).
   */
  @Get(':userId')
  @ApiOkResponse({ description: 'The user', type: UserResponseDto })
  async getUser(
    @CurrentUser() caller: AuthenticatedUser,
    @UserId() userId: string,
  ): Promise<UserResponseDto> {
    return toUserResponse(
      await this.usersService.findInOrganisation(caller.organisationId, userId),
    );
  }

  /**
   * Update a user
   *
   * @remarks Names, status and type (admin only). Only an owner can make or change an owner; nobody can
   * change their own type or status; the last active owner stays one. A user who is not active
   * cannot authenticate: their tokens answer 401 until re-enabled.
   */
  @Put(':userId')
  @ApiOkResponse({ description: 'The updated user', type: UserResponseDto })
  @ApiError(
    403,
    'The caller is not an admin, changes their own type or status, or, not being an owner, makes or changes an owner',
  )
  @ApiError(409, 'The change would leave no active owner')
  async updateUser(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @UserId() userId: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.usersService.update(asUserActor(caller, actor), userId, dto));
  }

  /**
   * Delete a user
   *
   * @remarks Removes a person or service user of the organisation and all their tokens (admin
   * only), and answers the user as it was. Nobody can delete themselves; only an owner can delete
   * an owner; the last active owner cannot be deleted. Their tokens stop working at once.
   */
  @Delete(':userId')
  @ApiOkResponse({ description: 'The deleted user', type: UserResponseDto })
  @ApiError(403, 'The caller is not an admin, deletes themselves, or, not being an owner, an owner')
  @ApiError(409, 'The user is the last active owner')
  async deleteUser(
    @CurrentUser() caller: AuthenticatedUser,
    @CurrentActor() actor: EventActor,
    @UserId() userId: string,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.usersService.remove(asUserActor(caller, actor), userId));
  }
}
