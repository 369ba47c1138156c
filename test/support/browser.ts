import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { TestApp } from './test-app';

/**
 * Debian's Chromium, driven by playwright-core (scripts/install.sh installs it). The flags keep it from reaching
 * for the internet, which these machines do not have, and let it run as root in a container.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A test file's app (with workers) and browser, started before its tests and closed after them. */
export function appWithBrowser(): { app: TestApp; browser: Browser } {
  const world = {} as { app: TestApp; browser: Browser };
  beforeAll(async () => {
    world.app = await TestApp.start();
    world.browser = await launchBrowser();
  });
  afterAll(async () => {
    await world.browser?.close();
    await world.app?.close();
  });
  return world;
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Screenshots of every page the journeys visit, at both widths: `.data/e2e-screenshots/<name>-<width>.png`. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '.data', 'e2e-screenshots');

/** A browser tab of one person, which remembers every request it made to another origin than the app's. */
export interface Visitor {
  context: BrowserContext;
  page: Page;
  foreignRequests: string[];
}

export async function visitor(browser: Browser, baseURL: string, viewport = DESKTOP): Promise<Visitor> {
  const context = await browser.newContext({ baseURL, viewport, acceptDownloads: true });
  const page = await context.newPage();
  const origin = new URL(baseURL).origin;
  const foreignRequests: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:') foreignRequests.push(request.url());
  });
  return { context, page, foreignRequests };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/sign-in'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** A new person of `role` (for a section or delivery point `scope`) in a browser tab of their own, signed in. */
export async function signedInVisitor(
  world: { app: TestApp; browser: Browser },
  role: 'admin' | 'coordinator' | 'activist',
  scope?: string,
  viewport = DESKTOP,
): Promise<Visitor> {
  const person = await world.app.person(role, scope);
  const you = await visitor(world.browser, world.app.baseUrl, viewport);
  await signIn(you.page, person.email, person.password);
  return you;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Checks the page with axe-core (WCAG 2 A and AA rules) and fails on any serious or critical violation, naming
 * each with the elements it concerns. Also writes the page's screenshots at both widths.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  // A string, since the tests compile without the browser's types.
  const violations: AxeViolation[] = await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } }).then((result) => result.violations)`,
  );
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length > 0) {
    const list = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    throw new Error(`accessibility problems on ${name}:\n  ${list.join('\n  ')}`);
  }
  await screenshots(page, name);
}

async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}
