import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { mockIdpFixture, type FixtureOptions, type MockIdpFixture } from './index.ts';

export { loginAs, mintToken, type FixtureOptions, type LoggedIn, type LoginAsOptions, type MockIdpFixture } from './index.ts';

/** An in-process mock IdP for a vitest file (reset before each test) or per test. */
export function useMockIdp(options: FixtureOptions = {}): MockIdpFixture {
  return mockIdpFixture({ beforeAll, afterAll, beforeEach, afterEach }, options);
}
