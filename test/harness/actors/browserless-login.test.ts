import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserlessLogin } from '../../../harness/actors/browserless-login.ts';
import { UserAgent } from '../../../harness/actors/user-agent.ts';
import { startTestIdp } from '../../support/idp.ts';

const REDIRECT_URI = 'http://127.0.0.1:8080/callback';
const idp = await startTestIdp();

function authorizationUrl(state: string): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const query = new URLSearchParams({
    client_id: 'demo',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
    state,
  });
  return `${idp.issuer('default')}/auth?${query}`;
}

/** The requests the IdP saw after the journal entry `since`, with interaction ids left out. */
function requestsOfLogin(since: number): string[] {
  return idp.journal
    .query({ tenant: 'default', since })
    .map((entry) => `${entry.method} ${entry.path.replace(/\/interaction\/[^/]+/, '/interaction/{uid}').replace(/\/auth\/[^/]+/, '/auth/{uid}')}`);
}

/** A browser that sees interaction URLs without their prompt, like another IdP's URLs would be. */
class UserAgentOfOtherUrls extends UserAgent {
  override async request(...args: Parameters<UserAgent['request']>): Promise<Response> {
    const response = await super.request(...args);
    const location = response.headers.get('location');
    if (!location?.includes('?prompt=')) return response;
    const headers = new Headers(response.headers);
    headers.set('location', location.replace(/\?prompt=[a-z]+/, ''));
    return new Response(await response.arrayBuffer(), { status: response.status, headers });
  }
}

describe('the scripted login', () => {
  it('posts the login and the consent straight away when the interaction URL names its prompt', async () => {
    const since = idp.journal.lastSeq;
    const { params } = await browserlessLogin({ authorizationUrl: authorizationUrl('direct'), redirectUri: REDIRECT_URI, username: 'alice' });
    expect(params.get('state')).toBe('direct');
    expect(params.get('code')).toBeTruthy();
    expect(requestsOfLogin(since)).toEqual([
      'GET /default/auth',
      'POST /default/interaction/{uid}/login',
      'GET /default/auth/{uid}',
      'POST /default/interaction/{uid}/consent',
      'GET /default/auth/{uid}',
    ]);
  });

  it('asks the IdP what an interaction wants when its URL does not say', async () => {
    const since = idp.journal.lastSeq;
    const { params } = await browserlessLogin({
      authorizationUrl: authorizationUrl('described'),
      redirectUri: REDIRECT_URI,
      username: 'alice',
      userAgent: new UserAgentOfOtherUrls(),
    });
    expect(params.get('code')).toBeTruthy();
    expect(requestsOfLogin(since)).toEqual([
      'GET /default/auth',
      'GET /default/interaction/{uid}',
      'POST /default/interaction/{uid}/login',
      'GET /default/auth/{uid}',
      'GET /default/interaction/{uid}',
      'POST /default/interaction/{uid}/consent',
      'GET /default/auth/{uid}',
    ]);
  });
});
