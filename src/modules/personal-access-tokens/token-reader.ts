import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Database, Statement } from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Permission } from '../auth';
import { ProjectVersion } from '../projects/entities/project.entity';
import { UserStatus, UserType } from '../../common/users/user-types';
import { TokenExpiry } from '../../common/tokens/token-expiry';
import { LoadedToken } from './token.mapper';

/** Which token to read: it must belong to this user of this organisation. */
export interface TokenKey {
  tokenId: string;
  userId: string;
  organisationId: string;
  /** Only when the user is a service user (the admin routes). */
  serviceUserOnly: boolean;
}

interface Row {
  id: string;
  note: string;
  permissions: string | Permission[];
  all_projects: boolean | number;
  secret_hint: string;
  expires_at: string | Date | null;
  expiry_preset: TokenExpiry;
  allowed_ips: string | string[];
  last_used_at: string | Date | null;
  last_used_ip: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  u_id: string;
  u_email: string;
  u_type: UserType;
  u_status: UserStatus;
  u_is_service: boolean | number;
  u_first_name: string | null;
  u_last_name: string | null;
  u_created_at: string | Date;
  u_updated_at: string | Date;
  p_id: string | null;
  p_name: string;
  p_organisation_id: string;
  p_version: ProjectVersion;
  p_key: string;
  p_protected: boolean | number;
  p_created_at: string | Date;
  p_updated_at: string | Date;
}

const SELECT = `
  SELECT t.id, t.note, t.permissions, t.all_projects, t.secret_hint, t.expires_at,
         t.expiry_preset, t.allowed_ips, t.last_used_at,
         t.last_used_ip, t.created_at, t.updated_at,
         u.id AS u_id, u.email AS u_email, u.type AS u_type, u.status AS u_status,
         u.is_service AS u_is_service, u.first_name AS u_first_name, u.last_name AS u_last_name,
         u.created_at AS u_created_at, u.updated_at AS u_updated_at,
         p.id AS p_id, p.name AS p_name, p.organisation_id AS p_organisation_id,
         p.version AS p_version, p.key AS p_key, p.protected AS p_protected,
         p.created_at AS p_created_at, p.updated_at AS p_updated_at
    FROM personal_access_tokens t
    JOIN users u ON u.id = t.user_id
    LEFT JOIN personal_access_token_projects tp ON tp.token_id = t.id
    LEFT JOIN projects p ON p.id = tp.project_id`;

/**
 * The documented GET's read, and every other read of one token: the token, its owner and its
 * projects in one SQL statement with constant text (so that both drivers reuse its prepared
 * form), instead of the owner's lookup plus TypeORM's query builder and entity hydration, which
 * cost several times the rest of the request. Answers the shape the token mapper takes.
 */
@Injectable()
export class TokenReader {
  private readonly sql: string;
  private readonly postgres: boolean;
  private statement?: Statement<unknown[], Row>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
    this.sql = this.postgres
      ? `${SELECT}
   WHERE t.id = $1 AND t.user_id = $2 AND u.organisation_id = $3 AND (u.is_service OR NOT $4)
   ORDER BY p.name, p.id`
      : `${SELECT}
   WHERE t.id = ? AND t.user_id = ? AND u.organisation_id = ? AND (u.is_service = 1 OR ? = 0)
   ORDER BY p.name, p.id`;
  }

  async find(key: TokenKey): Promise<LoadedToken | null> {
    const parameters = [key.tokenId, key.userId, key.organisationId];
    const rows = this.postgres
      ? await this.queryPostgres([...parameters, key.serviceUserOnly])
      : this.querySqlite([...parameters, Number(key.serviceUserOnly)]);
    return rows.length === 0 ? null : this.toToken(rows);
  }

  /** A named prepared statement on TypeORM's pool: parsed and planned once per connection. */
  private async queryPostgres(parameters: unknown[]): Promise<Row[]> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const result = await pool.query<Row>({
      name: 'token-reader-find',
      text: this.sql,
      values: parameters,
    });
    return result.rows;
  }

  /** A statement prepared once on TypeORM's better-sqlite3 connection (synchronous, like every SQLite query). */
  private querySqlite(parameters: unknown[]): Row[] {
    this.statement ??= (
      this.dataSource.driver as unknown as { databaseConnection: Database }
    ).databaseConnection.prepare<unknown[], Row>(this.sql);
    return this.statement.all(...parameters);
  }

  private toToken(rows: Row[]): LoadedToken {
    const [row] = rows;
    return {
      id: row.id,
      note: row.note,
      permissions:
        typeof row.permissions === 'string'
          ? (JSON.parse(row.permissions) as Permission[])
          : row.permissions,
      allProjects: Boolean(row.all_projects),
      secretHint: row.secret_hint,
      expiresAt: this.date(row.expires_at),
      expiryPreset: row.expiry_preset,
      allowedIps:
        typeof row.allowed_ips === 'string'
          ? (JSON.parse(row.allowed_ips) as string[])
          : row.allowed_ips,
      lastUsedAt: this.date(row.last_used_at),
      lastUsedIp: row.last_used_ip,
      createdAt: this.date(row.created_at)!,
      updatedAt: this.date(row.updated_at)!,
      user: {
        id: row.u_id,
        email: row.u_email,
        type: row.u_type,
        status: row.u_status,
        isService: Boolean(row.u_is_service),
        firstName: row.u_first_name,
        lastName: row.u_last_name,
        createdAt: this.date(row.u_created_at)!,
        updatedAt: this.date(row.u_updated_at)!,
      },
      projects: rows
        .filter((project) => project.p_id !== null)
        .map((project) => ({
          id: project.p_id!,
          name: project.p_name,
          organisationId: project.p_organisation_id,
          version: project.p_version,
          key: project.p_key,
          protected: Boolean(project.p_protected),
          createdAt: this.date(project.p_created_at)!,
          updatedAt: this.date(project.p_updated_at)!,
        })),
    };
  }

  /** PostgreSQL answers Dates; SQLite the UTC text TypeORM wrote ("2026-11-27 20:00:00.000"). */
  private date(value: string | Date | null): Date | null {
    if (value === null || value instanceof Date) {
      return value;
    }
    return new Date(`${value.replace(' ', 'T')}Z`);
  }
}
