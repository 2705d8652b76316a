import { chromium, type Browser } from 'playwright-core';
import { mkdir } from 'node:fs/promises';

/**
 * Debian's chromium, headless, with no background traffic (the machine has no internet). `home`:
 * its HOME, whose ~/.pki/nssdb holds the certificates it trusts besides the system's.
 */
export async function launchChromium(options: { home?: string } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    ...(options.home ? { env: { ...process.env, HOME: options.home } } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where browser tests save screenshots (CI artifacts); docs/screenshots keeps the current ones. */
export async function screenshotPath(name: string): Promise<string> {
  await mkdir('reports/screenshots', { recursive: true });
  return `reports/screenshots/${name}.png`;
}
