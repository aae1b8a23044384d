/** Debian's Chromium driven by playwright-core (never `playwright install`: no downloads here). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, scratchXdg } from './env';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A persistent context with its profile, XDG folders and TMPDIR inside `scratch`. */
export async function launchBrowser(scratch: string, viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = path.join(scratch, 'chromium-profile');
  fs.mkdirSync(profile, { recursive: true });
  fs.mkdirSync(path.join(scratch, 'home'), { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, scratchXdg(scratch), { HOME: path.join(scratch, 'home') });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env,
    viewport,
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}
