import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const screenshots = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export const test = base.extend({
  // The backend started by global-setup; each test gets its address.
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error('E2E_BASE_URL is not set: global-setup did not start the backend.');
    await use(url);
  },
});

export { expect };

/** Waits until no region is refetching and no transition runs (endless spinners aside):
 * a table dims while it refetches, and axe would measure the dimmed text's contrast. */
async function settled(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
}

/** Fails on any critical or serious axe-core violation, listing them. */
export async function expectNoA11yViolations(page: Page, context: string) {
  await settled(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  const summary = blocking.map(
    (v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((node) => node.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, `axe violations on ${context}`).toEqual([]);
}

/** Saves what the screen shows (`name.png`) and the whole scrolled page (`name-full.png`). */
export async function saveScreenshot(page: Page, name: string) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
  await page.screenshot({ path: join(screenshots, `${name}-full.png`), fullPage: true });
}

let markers = 0;

/**
 * Waits until a request the page sends now has been seen: by then every request it sent before
 * has been reported, and has reached the route handlers (`holdRequests`) that catch it. A negative
 * ("not sent again") is proved without waiting some time for real.
 */
export async function pageRequestsSeen(page: Page) {
  markers += 1;
  const marker = `/health?marker=${process.pid}-${markers}`;
  const seen = page.waitForRequest((request) => request.url().endsWith(marker));
  await page.evaluate((url) => fetch(url).then(() => undefined), marker);
  await seen;
}

/**
 * Moves the page's clock (`page.clock.install()` before the page loaded) on by `ms` at once,
 * firing every timer due meanwhile (polls, streams opened again, retries), then waits until every
 * request those timers sent has been seen (`pageRequestsSeen`).
 */
export async function runPageClock(page: Page, ms: number) {
  await page.clock.runFor(ms);
  await pageRequestsSeen(page);
}

/**
 * Holds the page's `method` requests to `url` until `release()` is called, counting them, so a
 * test can look at the page while a save is pending. Requests after the release pass at once.
 */
export async function holdRequests(page: Page, method: string, url: RegExp) {
  let count = 0;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(url, async (route) => {
    if (route.request().method() !== method) return route.fallback();
    count += 1;
    await released;
    await route.continue();
  });
  return { count: () => count, release };
}

/** Waits for the page to render twice: a focused control that was disabled has lost the focus by then. */
export async function nextFrames(page: Page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/**
 * Presses Enter on `control`, checks it keeps the keyboard focus while the request it started is
 * held (`busy` shows that: the control itself by default), presses Enter again, and checks that
 * `held` caught that one request only.
 */
export async function pressEnterTwiceWhilePending(
  page: Page,
  control: Locator,
  held: { count: () => number },
  busy: Locator = control,
) {
  await control.focus();
  await page.keyboard.press('Enter');
  // The page marks itself busy before its request has reached the route handler that counts it.
  await expect.poll(held.count).toBe(1);
  await expect(busy).toHaveAttribute('aria-busy', 'true');
  await nextFrames(page);
  await expect(control).toBeFocused();
  await page.keyboard.press('Enter');
  await nextFrames(page);
  await pageRequestsSeen(page);
  expect(held.count(), 'the second Enter sent the request again').toBe(1);
}

export async function api<T = unknown>(
  baseURL: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${baseURL}/api/v1/${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Deletes every webhook endpoint (its deliveries still to send go with it). */
export async function deleteWebhooks(baseURL: string) {
  for (const hook of await api<{ id: number }[]>(baseURL, 'webhooks')) {
    await api(baseURL, `webhooks/${hook.id}`, { method: 'DELETE' });
  }
}

/** Uploads a CSV through the API (not the UI) and waits for its import to end. */
export async function importThroughApi(baseURL: string, name: string, csv: string): Promise<{ id: string; status: string }> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const response = await fetch(`${baseURL}/api/v1/imports`, { method: 'POST', body: form });
  if (response.status !== 202) throw new Error(`POST /imports → ${response.status}: ${await response.text()}`);
  const created = (await response.json()) as { id: string };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${baseURL}/api/v1/imports/${created.id}`);
    if (!answer.ok) throw new Error(`GET imports/${created.id} → ${answer.status}: ${await answer.text()}`);
    const item = (await answer.json()) as { id: string; status: string };
    if (!['queued', 'running'].includes(item.status)) return item;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`import ${created.id} did not end within 60 s`);
}
