import { UserResponseDto } from './dto/user-response.dto';

export type UserFields = Pick<
  UserResponseDto,
  'id' | 'email' | 'type' | 'status' | 'firstName' | 'lastName' | 'isService'
> & { createdAt: Date; updatedAt: Date };

/** The only way a user leaves the service. */
export function toUserResponse(user: UserFields): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    type: user.type,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    firstName: user.firstName,
    lastName: user.lastName,
    isService: user.isService,
  };
}
