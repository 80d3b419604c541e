import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium: no browser can be downloaded here, so Playwright drives the system one. */
const executablePath = '/usr/bin/chromium';
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const screenshotDirectory = path.resolve('test-artifacts/explorer');

export interface Browser {
  /** A new tab: its sessionStorage starts empty, like a new browser session. */
  newPage(): Promise<Page>;
  /** Uncaught script errors and Content-Security-Policy violations seen since the last call. */
  takeFaults(): string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, deleted on close. */
export async function launchBrowser(): Promise<Browser> {
  await access(executablePath, constants.X_OK).catch(() => {
    throw new Error(`${executablePath} is missing: install Debian's chromium (apt-get install -y chromium)`);
  });
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'strata-explorer-chromium-'));
  await mkdir(screenshotDirectory, { recursive: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  let faults: string[] = [];
  context.on('weberror', (error) => faults.push(error.error().message));
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) faults.push(message.text());
  });
  return {
    newPage: () => context.newPage(),
    takeFaults: () => {
      const taken = faults;
      faults = [];
      return taken;
    },
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDirectory, `${name}.png`), fullPage: true });
}
