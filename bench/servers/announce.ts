export interface Announcement {
  tokenUrl: string;
  discoveryUrl: string;
}

/** A benchmark server tells the bench where it listens with one JSON line on stdout. */
export function announce(announcement: Announcement): void {
  process.stdout.write(`${JSON.stringify(announcement)}\n`);
}

export function algFromArgs(): 'ES256' | 'RS256' {
  const alg = process.argv[2] ?? 'ES256';
  if (alg !== 'ES256' && alg !== 'RS256') throw new Error(`unsupported alg ${alg}: use ES256 or RS256`);
  return alg;
}

// Exit normally on signals so that --cpu-prof can write its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
