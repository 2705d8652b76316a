import type { ClientInput, SigningAlg, TenantInput, UserInput } from '../config/schema.ts';
import type { JournalEntry, JournalQuery } from '../journal/journal.ts';
import type { KeySummary } from '../keys/key-set.ts';
import type { ClockState } from '../clock/clock.ts';
import type { MintRequest } from '../tenant/mint.ts';
import type { FaultRule, FaultRuleInput } from '../faults/schema.ts';
import { MockIdpError } from '../errors.ts';
import { plainRequest } from '../../common/http-request.ts';

export class AdminError extends MockIdpError {
  override readonly name: string = 'AdminError';
  readonly status: number;
  readonly code: string;
  readonly body: unknown;

  constructor(status: number, code: string, description: string, body: unknown) {
    super(`${status} ${code}: ${description}`);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface TenantSummary {
  name: string;
  issuer: string;
  discovery: string;
  users: string[];
  clients: string[];
}

/**
 * Talks to a mock IdP's admin API over HTTP, so it works the same against an in-process server,
 * a CLI process or a container.
 */
export class AdminClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;

  constructor(baseUrl: string, options: { token?: string | undefined } = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.#token = options.token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    // State changes always declare JSON (the admin API refuses them otherwise, see cross-site-guard.ts).
    if (body !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-type'] = 'application/json';
    const response = await plainRequest(`${this.baseUrl}/_admin${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const { text } = response;
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (response.status < 200 || response.status > 299) {
      const error = parsed as { error?: string; error_description?: string } | undefined;
      throw new AdminError(response.status, error?.error ?? 'error', error?.error_description ?? text, parsed);
    }
    return parsed as T;
  }

  health() {
    return this.request<{ status: string; tenants: string[] }>('GET', '/health');
  }

  reset() {
    return this.request<{ reset: true; tenants: string[] }>('POST', '/reset');
  }

  tenants() {
    return this.request<TenantSummary[]>('GET', '/tenants');
  }

  tenant(name: string) {
    return this.request<TenantSummary & { keys: KeySummary[]; clock: ClockState }>('GET', `/tenants/${enc(name)}`);
  }

  addTenant(name: string, config: TenantInput = {}) {
    return this.request<TenantSummary>('POST', '/tenants', { name, config });
  }

  removeTenant(name: string) {
    return this.request<void>('DELETE', `/tenants/${enc(name)}`);
  }

  resetTenant(name: string) {
    return this.request<TenantSummary>('POST', `/tenants/${enc(name)}/reset`);
  }

  readonly users = {
    list: (tenant: string) => this.request<Array<Record<string, unknown>>>('GET', `/tenants/${enc(tenant)}/users`),
    put: (tenant: string, username: string, user: UserInput) =>
      this.request<Record<string, unknown>>('PUT', `/tenants/${enc(tenant)}/users/${enc(username)}`, user),
    patch: (tenant: string, username: string, patch: Partial<UserInput>) =>
      this.request<Record<string, unknown>>('PATCH', `/tenants/${enc(tenant)}/users/${enc(username)}`, patch),
    disable: (tenant: string, username: string) => this.users.patch(tenant, username, { disabled: true }),
    enable: (tenant: string, username: string) => this.users.patch(tenant, username, { disabled: false }),
    remove: (tenant: string, username: string) => this.request<void>('DELETE', `/tenants/${enc(tenant)}/users/${enc(username)}`),
  };

  readonly clients = {
    list: (tenant: string) => this.request<Array<Record<string, unknown>>>('GET', `/tenants/${enc(tenant)}/clients`),
    put: (tenant: string, clientId: string, client: ClientInput) =>
      this.request<Record<string, unknown>>('PUT', `/tenants/${enc(tenant)}/clients/${enc(clientId)}`, client),
    patch: (tenant: string, clientId: string, patch: Partial<ClientInput>) =>
      this.request<Record<string, unknown>>('PATCH', `/tenants/${enc(tenant)}/clients/${enc(clientId)}`, patch),
    remove: (tenant: string, clientId: string) => this.request<void>('DELETE', `/tenants/${enc(tenant)}/clients/${enc(clientId)}`),
  };

  readonly keys = {
    list: (tenant: string) => this.request<KeySummary[]>('GET', `/tenants/${enc(tenant)}/keys`),
    rotate: (tenant: string, options: { alg?: SigningAlg; graceSeconds?: number } = {}) =>
      this.request<{ added: string; retired?: string; keys: KeySummary[] }>('POST', `/tenants/${enc(tenant)}/keys/rotate`, options),
    revoke: (tenant: string, kid: string) => this.request<{ keys: KeySummary[] }>('DELETE', `/tenants/${enc(tenant)}/keys/${enc(kid)}`),
  };

  readonly clock = {
    get: (tenant: string) => this.request<ClockState>('GET', `/tenants/${enc(tenant)}/clock`),
    set: (tenant: string, change: { offsetSeconds?: number; frozenAt?: string | null; freeze?: boolean }) =>
      this.request<ClockState>('PUT', `/tenants/${enc(tenant)}/clock`, change),
    advance: (tenant: string, seconds: number) => this.request<ClockState>('POST', `/tenants/${enc(tenant)}/clock/advance`, { seconds }),
  };

  /** Fault rules: the tenant misbehaves on purpose (docs/faults.md). */
  readonly faults = {
    list: (tenant: string) => this.request<Array<FaultRule & { matched: number; fired: number }>>('GET', `/tenants/${enc(tenant)}/faults`),
    add: (tenant: string, rule: FaultRuleInput) => this.request<FaultRule>('POST', `/tenants/${enc(tenant)}/faults`, rule),
    remove: (tenant: string, id: string) => this.request<void>('DELETE', `/tenants/${enc(tenant)}/faults/${enc(id)}`),
    clear: (tenant: string) => this.request<{ removed: number }>('DELETE', `/tenants/${enc(tenant)}/faults`),
  };

  /** Mints a token signed with the tenant's keys and clock, without a flow. */
  mint(tenant: string, request: MintRequest = {}) {
    return this.request<{ token: string; header: Record<string, unknown>; payload: Record<string, unknown> }>(
      'POST',
      `/tenants/${enc(tenant)}/tokens`,
      request,
    );
  }

  revokeGrants(tenant: string, filter: { user?: string; client?: string } = {}) {
    return this.request<{ revoked: number }>('POST', `/tenants/${enc(tenant)}/grants/revoke`, filter);
  }

  revokeSessions(tenant: string, filter: { user?: string } = {}) {
    return this.request<{ revoked: number }>('POST', `/tenants/${enc(tenant)}/sessions/revoke`, filter);
  }

  journal(query: JournalQuery = {}) {
    const params = new URLSearchParams();
    const names: Record<string, string> = { clientId: 'client_id' };
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(names[key] ?? key, String(value));
    const qs = params.toString();
    return this.request<JournalEntry[]>('GET', `/journal${qs ? `?${qs}` : ''}`);
  }

  clearJournal(tenant?: string) {
    return this.request<{ cleared: number }>('DELETE', `/journal${tenant ? `?tenant=${enc(tenant)}` : ''}`);
  }
}

const enc = encodeURIComponent;
