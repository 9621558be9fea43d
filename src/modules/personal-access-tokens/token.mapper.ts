import { ProjectFields, toProjectResponse } from '../projects/project.mapper';
import { toUserResponse, UserFields } from '../users/user.mapper';
import { CreatedTokenResponseDto, TokenResponseDto } from './dto/token-response.dto';
import { PersonalAccessToken } from './entities/personal-access-token.entity';

/** A token with its owner and projects, as loaded for an answer (never with its secret's hash). */
export type LoadedToken = Omit<
  PersonalAccessToken,
  'user' | 'projects' | 'secretHash' | 'userId'
> & {
  user: UserFields;
  projects: ProjectFields[];
};

/**
 * The only way a token leaves the service: field by field, so that the secret's hash (or any
 * column added later) can never be answered by accident.
 */
export function toTokenResponse(token: LoadedToken): TokenResponseDto {
  return {
    id: token.id,
    note: token.note,
    permissions: [...token.permissions],
    allProjects: token.allProjects,
    projects: token.allProjects ? [] : token.projects.map(toProjectResponse),
    user: toUserResponse(token.user),
    createdAt: token.createdAt.toISOString(),
    updatedAt: token.updatedAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: token.lastUsedIp,
    allowedIps: [...token.allowedIps],
    secretHint: token.secretHint,
  };
}

export function toCreatedTokenResponse(
  token: LoadedToken,
  secret: string,
): CreatedTokenResponseDto {
  return { ...toTokenResponse(token), token: secret };
}
