import type { FuzzWorld } from './world.ts';

/*
 * What must still hold after any fuzz run: no 5xx was ever answered; every admin GET (for every
 * tenant, user and client the admin API lists), the journal query and the dashboard answer 2xx;
 * every component's health check answers; and memory stays under a stated bound.
 */

/** The bound on the fuzzing process's resident memory (the IdP and the components run inside it). */
export const MEMORY_BOUND_MIB = 1536;

export interface InvariantReport {
  broken: string[];
  rssMiB: number;
}

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return -1;
  }
}

export async function checkInvariants(world: FuzzWorld): Promise<InvariantReport> {
  const broken: string[] = [];
  const admin = `${world.idp.url}/_admin`;
  const expect2xx = async (url: string) => {
    const answered = await status(url);
    if (answered < 200 || answered >= 300) broken.push(`GET ${url.replace(world.idp.url, '')} answered ${answered}`);
  };
  for (const failure of world.failures.values())
    broken.push(`${failure.request.server} ${failure.request.method} ${failure.request.path.slice(0, 120)} answered ${failure.status}`);
  for (const path of ['/health', '/tenants', '/journal', '/journal?limit=10', '/journal?tenant=default&endpoint=token&limit=5'])
    await expect2xx(`${admin}${path}`);
  await expect2xx(`${world.idp.url}/_ui`);
  const tenants = (await (await fetch(`${admin}/tenants`)).json().catch(() => [])) as Array<{ name: string; discovery: string }>;
  for (const tenant of tenants) {
    const base = `${admin}/tenants/${encodeURIComponent(tenant.name)}`;
    for (const path of ['', '/users', '/clients', '/keys', '/clock', '/faults']) await expect2xx(`${base}${path}`);
    const users = (await (await fetch(`${base}/users`)).json().catch(() => [])) as Array<{ username: string }>;
    for (const user of users.slice(0, 20)) await expect2xx(`${base}/users/${encodeURIComponent(user.username)}`);
    const clients = (await (await fetch(`${base}/clients`)).json().catch(() => [])) as Array<{ clientId: string }>;
    for (const client of clients.slice(0, 20)) await expect2xx(`${base}/clients/${encodeURIComponent(client.clientId)}`);
  }
  for (const [name, component] of Object.entries(world.components)) {
    const answered = await status(`${component.url}/healthcheck`);
    if (answered < 200 || answered >= 300) broken.push(`${name} /healthcheck answered ${answered}`);
  }
  const rssMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
  if (rssMiB > MEMORY_BOUND_MIB) broken.push(`resident memory ${rssMiB} MiB is past the bound of ${MEMORY_BOUND_MIB} MiB`);
  return { broken, rssMiB };
}
