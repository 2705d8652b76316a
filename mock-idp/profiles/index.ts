import { z } from 'zod';
import { adfs, adfsOptions } from './adfs.ts';
import { auth0, auth0Options } from './auth0.ts';
import { entra, entraOptions } from './entra.ts';
import { google, googleOptions } from './google.ts';
import { keycloak, keycloakOptions } from './keycloak.ts';
import { okta, oktaOptions } from './okta.ts';
import type { AppliedProfile, ProfileContext, ProfileDefinition } from './profile.ts';

/** Every provider profile, one file each. */
export const PROFILES = [google, entra, adfs, auth0, okta, keycloak] as const;
export const PROFILE_NAMES = PROFILES.map((profile) => profile.name);

/**
 * `profile: entra` or `profile: {name: entra, version: v1, audience: common}`: a name alone
 * takes the profile's defaults.
 */
export const profileSchema = z
  .preprocess(
    (input) => (typeof input === 'string' ? { name: input } : input),
    z.discriminatedUnion('name', [googleOptions, entraOptions, adfsOptions, auth0Options, oktaOptions, keycloakOptions], {
      error: (issue) =>
        issue.code === 'invalid_union' ? `unknown profile: profiles are ${PROFILE_NAMES.join(', ')} (a name, or {name, ...options})` : undefined,
    }),
  )
  .describe(`Behave like a real provider: ${PROFILE_NAMES.join(', ')} (docs/profiles/). A name, or {name, ...options}.`);

export type ProfileOption = z.output<typeof profileSchema>;
/** What a configuration may say: a profile name, or the name with options. */
export type ProfileInput =
  | ProfileOption['name']
  | z.input<typeof googleOptions>
  | z.input<typeof entraOptions>
  | z.input<typeof adfsOptions>
  | z.input<typeof auth0Options>
  | z.input<typeof oktaOptions>
  | z.input<typeof keycloakOptions>;

export function applyProfile(option: ProfileOption, context: ProfileContext): AppliedProfile {
  const definition = PROFILES.find((profile) => profile.name === option.name) as ProfileDefinition<ProfileOption> | undefined;
  if (!definition) throw new Error(`unknown profile "${option.name}"`);
  return definition.apply(option, context);
}

export type { AppliedProfile, ProfileDefinition } from './profile.ts';
