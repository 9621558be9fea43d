import { snakeCase, SnakeNamingStrategy } from './snake-naming.strategy';

describe('snakeCase', () => {
  it.each([
    ['userId', 'user_id'],
    ['lastUsedIp', 'last_used_ip'],
    ['PersonalAccessToken', 'personal_access_token'],
    ['createdAt', 'created_at'],
    ['already_snake', 'already_snake'],
    ['lower', 'lower'],
    ['HTTPServer', 'http_server'],
    ['parseURLValue', 'parse_url_value'],
    ['ipV4Address', 'ip_v4_address'],
    ['project2Key', 'project2_key'],
    ['ID', 'id'],
  ])('should turn %s into %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe('SnakeNamingStrategy', () => {
  const strategy = new SnakeNamingStrategy();

  it('should snake-case a table name from its class name', () => {
    expect(strategy.tableName('ReplacedSecret', undefined)).toBe('replaced_secret');
  });

  it('should keep a table name given on the entity', () => {
    expect(strategy.tableName('PersonalAccessToken', 'personal_access_tokens')).toBe(
      'personal_access_tokens',
    );
    expect(strategy.tableName('User', 'AuditLog')).toBe('AuditLog');
  });

  it('should snake-case a column name from its property name', () => {
    expect(strategy.columnName('secretHash', undefined, [])).toBe('secret_hash');
  });

  it('should snake-case a custom column name', () => {
    expect(strategy.columnName('id', 'tokenId', [])).toBe('token_id');
  });

  it('should prefix an embedded column with its embedding properties', () => {
    expect(strategy.columnName('streetName', undefined, ['homeAddress'])).toBe(
      'home_address_street_name',
    );
    expect(strategy.columnName('zip', undefined, ['billing', 'postalCode'])).toBe(
      'billing_postal_code_zip',
    );
  });

  it('should snake-case a relation name', () => {
    expect(strategy.relationName('createdBy')).toBe('created_by');
  });

  it('should name a join column after the relation and the referenced column', () => {
    expect(strategy.joinColumnName('organisation', 'id')).toBe('organisation_id');
    expect(strategy.joinColumnName('ownerUser', 'externalId')).toBe('owner_user_external_id');
  });

  it('should name a join table after the first table and its property', () => {
    expect(strategy.joinTableName('personal_access_tokens', 'projects', 'projects')).toBe(
      'personal_access_tokens_projects',
    );
    expect(strategy.joinTableName('users', 'groups', 'profile.memberGroups')).toBe(
      'users_profile_member_groups',
    );
  });

  it('should name a join table column after its table and column', () => {
    expect(strategy.joinTableColumnName('projects', 'id')).toBe('projects_id');
    expect(strategy.joinTableColumnName('personalAccessTokens', 'id', 'tokenId')).toBe(
      'personal_access_tokens_token_id',
    );
  });
});
