/**
 * The public face of authentication and authorization: what other modules may import. Anything
 * not exported here is auth's own business.
 */
export { AuthModule, AuthModuleOptions } from './auth.module';
export { SecretHashingModule } from './secret-hashing.module';
export { SecretHasher } from './secret-hasher.service';
export { PrincipalResolver } from './principal-resolver.service';
export { FailedAuthenticationThrottle, ThrottleStoreState } from './failed-authentication-throttle';
export {
  LastUse,
  PrincipalSource,
  ReplacedSecretRecord,
  StoredPrincipal,
} from './principal-source';
export { AuthenticatedToken, AuthenticatedUser, Principal } from './principal';
export { canReachProject, isAdmin } from './access-rule';
export { AdminGuard } from './guards/access.guards';
export {
  AdminOnly,
  Authenticated,
  PermissionOptions,
  Public,
  RequirePermissions,
  RequireProjectAccess,
} from './decorators/access.decorators';
export {
  CurrentActor,
  CurrentPrincipal,
  CurrentToken,
  CurrentUser,
} from './decorators/current-principal.decorator';
// The permission model is public as a whole.
export * from './permissions';
export { effectiveMask, effectivePermissions, USER_TYPE_CEILINGS } from './user-type-ceilings';
export { IpAllowList, MAX_ALLOWED_IPS, normaliseIpEntry } from './ip-allow-list';
export { GatewayCheck } from './decorators/access.decorators';
