import { after, afterEach, before, beforeEach } from 'node:test';
import { mockIdpFixture, type FixtureOptions, type MockIdpFixture } from './index.ts';

export { loginAs, mintToken, type FixtureOptions, type LoggedIn, type LoginAsOptions, type MockIdpFixture } from './index.ts';

/** An in-process mock IdP for a `node:test` file or suite (reset before each test) or per test. */
export function useMockIdp(options: FixtureOptions = {}): MockIdpFixture {
  // node:test hooks take their timeout in an options object, not as a number.
  const withTimeout = (hook: typeof before) => (fn: () => Promise<void>, timeout?: number) => hook(fn, timeout === undefined ? {} : { timeout });
  return mockIdpFixture(
    { beforeAll: withTimeout(before), afterAll: withTimeout(after), beforeEach: withTimeout(beforeEach), afterEach: withTimeout(afterEach) },
    options,
  );
}
