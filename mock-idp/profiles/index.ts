import { adfs } from './adfs.ts';
import { auth0 } from './auth0.ts';
import { entra } from './entra.ts';
import { google } from './google.ts';
import { keycloak } from './keycloak.ts';
import { okta } from './okta.ts';
import type { ProfileOption } from './options.ts';
import type { AppliedProfile, ProfileContext, ProfileDefinition } from './profile.ts';

export type { ProfileOption } from './options.ts';

/** Every provider profile, one file each. */
export const PROFILES = [google, entra, adfs, auth0, okta, keycloak] as const;

export function applyProfile(option: ProfileOption, context: ProfileContext): AppliedProfile {
  const definition = PROFILES.find((profile) => profile.name === option.name) as ProfileDefinition<ProfileOption> | undefined;
  if (!definition) throw new Error(`unknown profile "${option.name}"`);
  return definition.apply(option, context);
}

export type { AppliedProfile } from './profile.ts';
