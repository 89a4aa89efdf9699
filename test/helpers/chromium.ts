import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where browser tests leave their screenshots (gitignored; CI may keep them). */
export const artifactsDir = join(import.meta.dirname, '../../test-artifacts');

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's chromium (scripts/setup-system.sh installs it), headless, with a fresh profile
 * (playwright passes it as --user-data-dir) that is removed afterwards; never a downloaded browser.
 */
export const launchChromium = async (options: { httpCredentials?: { username: string; password: string }; viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> => {
  const profile = await mkdtemp(join(tmpdir(), 'rootcast-chromium-'));
  await mkdir(artifactsDir, { recursive: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      ...(options.httpCredentials === undefined ? {} : { httpCredentials: options.httpCredentials }),
      viewport: options.viewport ?? { width: 1366, height: 768 },
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
};
