import type { UserConfig } from '../config/schema.ts';

/** Every claim a user has; oidc-provider keeps those that the granted scopes and claims allow. */
export function claimsOf(username: string, user: UserConfig): Record<string, unknown> & { sub: string } {
  const claims: Record<string, unknown> = {
    preferred_username: username,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
    email_verified: user.email === undefined ? undefined : user.emailVerified,
    groups: user.groups,
    roles: user.roles.length > 0 ? user.roles : undefined,
    ...user.claims,
    sub: user.sub ?? username,
  };
  for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
  return claims as Record<string, unknown> & { sub: string };
}
