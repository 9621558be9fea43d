import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import {
  LastUse,
  Permission,
  PrincipalSource,
  ReplacedSecretRecord,
  StoredPrincipal,
} from '../auth';
import { ProjectVersion } from '../projects/entities/project.entity';
import { ProjectFields } from '../projects/project.mapper';
import { UserStatus, UserType } from '../../common/users/user-types';
import { TokenExpiry } from '../../common/tokens/token-expiry';
import { PreparedQuery, rowBoolean, rowDate, rowJson } from '../../database/prepared-query';
import { PersonalAccessToken } from './entities/personal-access-token.entity';
import { ReplacedSecret } from './entities/replaced-secret.entity';
import { LoadedToken } from './token.mapper';

/** Which token to read: it must belong to this user of this organisation. */
export interface TokenKey {
  tokenId: string;
  userId: string;
  organisationId: string;
  /** Only when the user is a service user (the admin routes). */
  serviceUserOnly: boolean;
}

/** A token the expiry warnings look at. */
export interface ExpiringToken {
  id: string;
  userId: string;
  organisationId: string;
  note: string;
  expiresAt: Date;
}

/** A live or expired token found by a leaked secret, with its organisation. */
export interface LeakedToken {
  token: Pick<PersonalAccessToken, 'id' | 'userId' | 'note' | 'permissions' | 'expiresAt'>;
  organisationId: string;
}

type Timestamp = string | Date;

/** Columns shared by both prepared reads: the owner, as the user mapper and the principal need it. */
interface OwnerRow {
  u_id: string;
  u_organisation_id: string;
  u_email: string;
  u_type: UserType;
  u_status: UserStatus;
  u_is_service: boolean | number;
  u_first_name: string | null;
  u_last_name: string | null;
  u_created_at: Timestamp;
  u_updated_at: Timestamp;
}

const OWNER_COLUMNS = `u.id AS u_id, u.organisation_id AS u_organisation_id, u.email AS u_email,
         u.type AS u_type, u.status AS u_status, u.is_service AS u_is_service,
         u.first_name AS u_first_name, u.last_name AS u_last_name,
         u.created_at AS u_created_at, u.updated_at AS u_updated_at`;

interface PrincipalRow extends OwnerRow {
  id: string;
  permissions: string | Permission[];
  all_projects: boolean | number;
  expires_at: Timestamp | null;
  allowed_ips: string | string[];
  project_id: string | null;
}

/** Authentication's read: one row per project of the token (one row when it has none). */
const PRINCIPAL_SELECT = `
  SELECT t.id, t.permissions, t.all_projects, t.expires_at, t.allowed_ips, tp.project_id,
         ${OWNER_COLUMNS}
    FROM personal_access_tokens t
    JOIN users u ON u.id = t.user_id
    LEFT JOIN personal_access_token_projects tp ON tp.token_id = t.id`;

interface TokenRow extends OwnerRow {
  id: string;
  note: string;
  permissions: string | Permission[];
  all_projects: boolean | number;
  secret_hint: string;
  expires_at: Timestamp | null;
  expiry_preset: TokenExpiry;
  allowed_ips: string | string[];
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  p_id: string | null;
  p_name: string;
  p_organisation_id: string;
  p_version: ProjectVersion;
  p_key: string;
  p_protected: boolean | number;
  p_created_at: Timestamp;
  p_updated_at: Timestamp;
}

/**
 * The documented GET's read: the token, its owner and its projects. No ORDER BY: it made the
 * database build a temporary B-tree for every request; the few project rows are sorted in code.
 */
const TOKEN_SELECT = `
  SELECT t.id, t.note, t.permissions, t.all_projects, t.secret_hint, t.expires_at,
         t.expiry_preset, t.allowed_ips, t.last_used_at, t.last_used_ip, t.created_at, t.updated_at,
         ${OWNER_COLUMNS},
         p.id AS p_id, p.name AS p_name, p.organisation_id AS p_organisation_id,
         p.version AS p_version, p.key AS p_key, p.protected AS p_protected,
         p.created_at AS p_created_at, p.updated_at AS p_updated_at
    FROM personal_access_tokens t
    JOIN users u ON u.id = t.user_id
    LEFT JOIN personal_access_token_projects tp ON tp.token_id = t.id
    LEFT JOIN projects p ON p.id = tp.project_id`;

/** Columns answered for a token through the query builder: everything but the secret's hash. */
const TOKEN_COLUMNS = [
  'token.id',
  'token.userId',
  'token.note',
  'token.permissions',
  'token.allProjects',
  'token.secretHint',
  'token.expiresAt',
  'token.expiryPreset',
  'token.allowedIps',
  'token.lastUsedAt',
  'token.lastUsedIp',
  'token.createdAt',
  'token.updatedAt',
];

/** Projects in one order on both databases, whatever their collation: by name, then id. */
export function byProjectName(a: ProjectFields, b: ProjectFields): number {
  if (a.name !== b.name) {
    return a.name < b.name ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Every read of a stored token, and the writes authentication makes. Services keep the rules;
 * this class keeps the queries. The two hot reads (authentication by secret, one token by id)
 * are prepared statements; the rest go through TypeORM. Provided to auth as its PrincipalSource.
 */
@Injectable()
export class PersonalAccessTokenRepository implements PrincipalSource {
  private readonly principalBySecret: PreparedQuery<PrincipalRow>;
  private readonly tokenById: PreparedQuery<TokenRow>;
  private readonly lastUses: PreparedQuery<never>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(PersonalAccessToken) private readonly tokens: Repository<PersonalAccessToken>,
    @InjectRepository(ReplacedSecret) private readonly replacedSecrets: Repository<ReplacedSecret>,
  ) {
    this.principalBySecret = new PreparedQuery(dataSource, 'token-principal-by-secret', {
      postgres: `${PRINCIPAL_SELECT} WHERE t.secret_hash = $1`,
      sqlite: `${PRINCIPAL_SELECT} WHERE t.secret_hash = ?`,
    });
    this.tokenById = new PreparedQuery(dataSource, 'token-by-id', {
      postgres: `${TOKEN_SELECT}
   WHERE t.id = $1 AND t.user_id = $2 AND u.organisation_id = $3 AND (u.is_service OR NOT $4)`,
      sqlite: `${TOKEN_SELECT}
   WHERE t.id = ? AND t.user_id = ? AND u.organisation_id = ? AND (u.is_service = 1 OR ? = 0)`,
    });
    // A batch of last uses: on PostgreSQL one statement over the batch's arrays.
    this.lastUses = new PreparedQuery(dataSource, 'token-record-uses', {
      postgres: `UPDATE personal_access_tokens AS t SET last_used_at = u.at, last_used_ip = u.ip
        FROM unnest($1::timestamptz[], $2::varchar[], $3::uuid[], $4::timestamptz[])
             AS u(at, ip, id, unless_after)
       WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.unless_after)`,
      sqlite: `UPDATE personal_access_tokens SET last_used_at = ?, last_used_ip = ?
        WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
    });
  }

  /**
   * Records last uses, each unless another write recorded one after its `unlessAfter`: the
   * condition in SQL keeps several instances from writing it more often between them. A bookkeeping
   * write, not an edit: `updated_at` stays.
   */
  async recordUses(uses: readonly LastUse[]): Promise<void> {
    const column = this.tokens.metadata.findColumnWithPropertyName('lastUsedAt')!;
    const { driver } = this.tokens.manager.connection;
    // In one order on every instance: PostgreSQL locks the rows in the batch's order, and two
    // instances locking the same tokens in different orders deadlock.
    const ordered = [...uses].sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
    await this.lastUses.runBatch(
      ordered.map(({ tokenId, ip, at, unlessAfter }): unknown[] => [
        driver.preparePersistentValue(at, column) as unknown,
        ip,
        tokenId,
        driver.preparePersistentValue(unlessAfter, column) as unknown,
      ]),
    );
  }

  /** The token with this secret hash and its user, or null: what authentication runs on a cache miss. */
  async findBySecretHash(secretHash: string): Promise<StoredPrincipal | null> {
    const rows = await this.principalBySecret.all([secretHash]);
    if (rows.length === 0) {
      return null;
    }
    const [row] = rows;
    return {
      user: { ...owner(row), organisationId: row.u_organisation_id },
      token: {
        id: row.id,
        permissions: rowJson(row.permissions),
        allProjects: rowBoolean(row.all_projects),
        projectIds: rows.flatMap(({ project_id }) => (project_id === null ? [] : [project_id])),
        expiresAt: rowDate(row.expires_at),
        allowedIps: rowJson(row.allowed_ips),
      },
    };
  }

  /** One token with its owner and projects (the documented GET, and every read of one token). */
  async findOne(key: TokenKey): Promise<LoadedToken | null> {
    const rows = await this.tokenById.all([
      key.tokenId,
      key.userId,
      key.organisationId,
      key.serviceUserOnly,
    ]);
    if (rows.length === 0) {
      return null;
    }
    const [row] = rows;
    const projects: ProjectFields[] = [];
    for (const project of rows) {
      if (project.p_id !== null) {
        projects.push({
          id: project.p_id,
          name: project.p_name,
          organisationId: project.p_organisation_id,
          version: project.p_version,
          key: project.p_key,
          protected: rowBoolean(project.p_protected),
          createdAt: rowDate(project.p_created_at),
          updatedAt: rowDate(project.p_updated_at),
        });
      }
    }
    return {
      id: row.id,
      note: row.note,
      permissions: rowJson(row.permissions),
      allProjects: rowBoolean(row.all_projects),
      secretHint: row.secret_hint,
      expiresAt: rowDate(row.expires_at),
      expiryPreset: row.expiry_preset,
      allowedIps: rowJson(row.allowed_ips),
      lastUsedAt: rowDate(row.last_used_at),
      lastUsedIp: row.last_used_ip,
      createdAt: rowDate(row.created_at),
      updatedAt: rowDate(row.updated_at),
      user: owner(row),
      projects: projects.length > 1 ? projects.sort(byProjectName) : projects,
    };
  }

  /** A user's tokens with their projects, newest first, optionally expiring between two instants. */
  async listOwnedBy(
    userId: string,
    expiring?: { after: Date; notAfter: Date },
  ): Promise<PersonalAccessToken[]> {
    const query = this.withProjects().where('token.userId = :userId', { userId });
    if (expiring) {
      query.andWhere('token.expiresAt > :after AND token.expiresAt <= :notAfter', expiring);
    }
    const tokens = await query
      .orderBy('token.createdAt', 'DESC')
      .addOrderBy('token.id', 'ASC')
      .getMany();
    for (const token of tokens) {
      token.projects?.sort(byProjectName);
    }
    return tokens;
  }

  /** The token with this secret hash, with its user and projects (introspection, lookup). */
  findWithOwnerBySecretHash(secretHash: string): Promise<PersonalAccessToken | null> {
    return this.withProjects()
      .innerJoinAndSelect('token.user', 'user')
      .where('token.secretHash = :secretHash', { secretHash })
      .getOne();
  }

  /** The token with this id, with its user and projects. */
  findWithOwnerById(id: string): Promise<PersonalAccessToken | null> {
    return this.withProjects()
      .innerJoinAndSelect('token.user', 'user')
      .where('token.id = :id', { id })
      .getOne();
  }

  async findReplacedSecret(secretHash: string): Promise<ReplacedSecretRecord | null> {
    const replaced = await this.replacedSecrets
      .createQueryBuilder('replaced')
      .innerJoin('replaced.token', 'token')
      .innerJoin('token.user', 'user')
      .select([
        'replaced.tokenId',
        'replaced.replacedAt',
        'token.id',
        'user.id',
        'user.organisationId',
      ])
      .where('replaced.secretHash = :secretHash', { secretHash })
      .getOne();
    const user = replaced?.token?.user;
    if (!replaced || !user) {
      return null;
    }
    return {
      tokenId: replaced.tokenId,
      userId: user.id,
      organisationId: user.organisationId,
      replacedAt: replaced.replacedAt,
    };
  }

  /** The current secret hash of the user's token, read inside a regenerate's transaction. */
  async currentSecretHash(
    manager: EntityManager,
    tokenId: string,
    userId: string,
  ): Promise<string | null> {
    const current = await manager.findOne(PersonalAccessToken, {
      select: { id: true, secretHash: true },
      where: { id: tokenId, userId },
    });
    return current?.secretHash ?? null;
  }

  /** The tokens with these secret hashes (expired ones included), inside a revocation's transaction. */
  async findBySecretHashes(
    manager: EntityManager,
    secretHashes: readonly string[],
  ): Promise<LeakedToken[]> {
    const { entities, raw } = await manager
      .createQueryBuilder(PersonalAccessToken, 'token')
      .innerJoin('token.user', 'user')
      .select(['token.id', 'token.userId', 'token.note', 'token.permissions', 'token.expiresAt'])
      .addSelect('user.organisationId', 'organisationId')
      .where('token.secretHash IN (:...secretHashes)', { secretHashes })
      .getRawAndEntities<{ organisationId: string }>();
    return entities.map((token, index) => ({ token, organisationId: raw[index].organisationId }));
  }

  /**
   * Tokens whose expiry falls between `from` and `to`, with their organisation, in pages ordered
   * by id (`afterId` is the last id of the previous page).
   */
  async expiringBetween(
    from: Date,
    to: Date,
    afterId: string | null,
    limit: number,
  ): Promise<ExpiringToken[]> {
    const query = this.tokens
      .createQueryBuilder('token')
      .innerJoin('token.user', 'user')
      .select(['token.id', 'token.userId', 'token.note', 'token.expiresAt'])
      .addSelect('user.organisationId', 'organisationId')
      .where('token.expiresAt >= :from AND token.expiresAt <= :to', { from, to });
    if (afterId !== null) {
      query.andWhere('token.id > :afterId', { afterId });
    }
    const { entities, raw } = await query
      .orderBy('token.id', 'ASC')
      .limit(limit)
      .getRawAndEntities<{ organisationId: string }>();
    return entities.map((token, index) => ({
      id: token.id,
      userId: token.userId,
      note: token.note,
      expiresAt: token.expiresAt!,
      organisationId: raw[index].organisationId,
    }));
  }

  private withProjects(): SelectQueryBuilder<PersonalAccessToken> {
    return this.tokens
      .createQueryBuilder('token')
      .select(TOKEN_COLUMNS)
      .leftJoinAndSelect('token.projects', 'project');
  }
}

function owner(row: OwnerRow) {
  return {
    id: row.u_id,
    email: row.u_email,
    type: row.u_type,
    status: row.u_status,
    isService: rowBoolean(row.u_is_service),
    firstName: row.u_first_name,
    lastName: row.u_last_name,
    createdAt: rowDate(row.u_created_at),
    updatedAt: rowDate(row.u_updated_at),
  };
}
