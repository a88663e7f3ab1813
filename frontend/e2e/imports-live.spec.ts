import { expect, test, type Page, type Request } from '@playwright/test';
import { runPageClock } from './support/fixtures';
import { startSecuredServer, type SecuredServer } from './support/secured-server';

// A backend of its own, WITH an API token and without workers: an uploaded import stays queued,
// so the page keeps following it for as long as a story needs.
const TOKEN = 'pi_e2e-imports-live-0123456789abcdef';
const STORAGE_KEY = 'product-importer.api-token';

let server: SecuredServer;

type ImportJson = { id: string; status: string };

async function queueImport(name: string): Promise<ImportJson> {
  const form = new FormData();
  form.append('file', new Blob([`sku,name\n${name}-1,Queued for ever\n`], { type: 'text/csv' }), name);
  const response = await fetch(`${server.baseURL}/api/v1/imports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
    body: form,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as ImportJson;
}

async function cancelImport(id: string) {
  await fetch(`${server.baseURL}/api/v1/imports/${id}/cancel`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
}

/** The API requests the page sends from now on. */
function recordApiRequests(page: Page): Request[] {
  const sent: Request[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/')) sent.push(request);
  });
  return sent;
}

/** Starts the tab with `token` as if it had been entered before. */
async function startWithToken(page: Page, token: string) {
  await page.goto(`${server.baseURL}/health`);
  await page.evaluate(([key, value]) => window.sessionStorage.setItem(key, value), [STORAGE_KEY, token]);
}

test.describe('Following imports', () => {
  const queued: string[] = [];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await startSecuredServer({ API_TOKENS: `e2e-admin:${TOKEN}` });
  });

  test.afterEach(async () => {
    for (const id of queued.splice(0)) await cancelImport(id); // 409 once it ended
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test('a refused token stops the polling; Cancel on the prompt stands until the user does something', async ({ page }) => {
    const item = await queueImport('refused.csv');
    queued.push(item.id);
    await startWithToken(page, 'pi_revoked-0123456789abcdefghij');
    await page.clock.install();
    await page.goto(`${server.baseURL}/?import=${item.id}`);
    const prompt = page.getByRole('dialog', { name: 'API token required' });
    await expect(prompt).toBeVisible();
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    await expect(prompt).toBeHidden();

    // Nothing asks the API by itself (each refusal is audited and rate limited), so nothing
    // reopens the prompt.
    const sent = recordApiRequests(page);
    // A minute on: many a poll interval and every reopening of a stream.
    await runPageClock(page, 60_000);
    expect(sent.map((request) => request.url())).toEqual([]);
    await expect(prompt).toBeHidden();

    // Going to another page asks again; with the token the import is followed live.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
    await expect(prompt).toBeVisible();
    await prompt.getByLabel(/^API token/).fill(TOKEN);
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await expect(prompt).toBeHidden();
    const stream = page.waitForRequest((request) => request.url().endsWith(`/imports/${item.id}/events`));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
    await expect(page.getByRole('region', { name: 'refused.csv' }).getByText('Queued', { exact: true })).toBeVisible();
    expect((await stream).headers().authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('one import at a time holds a live stream, the others are polled; the next streams when it ends', async ({ page }) => {
    const first = await queueImport('first-in-line.csv');
    const second = await queueImport('second-in-line.csv');
    queued.push(first.id, second.id);
    await startWithToken(page, TOKEN);
    await page.clock.install();
    const sent = recordApiRequests(page);
    const streamsOf = (id: string) => sent.filter((request) => request.url().endsWith(`/imports/${id}/events`));
    const pollsOf = (id: string) => sent.filter((request) => new URL(request.url()).pathname === `/api/v1/imports/${id}`);

    await page.goto(`${server.baseURL}/`);
    await expect(page).toHaveURL(new RegExp(`\\?import=${first.id}&import=${second.id}$`));
    await expect(page.getByRole('region', { name: 'second-in-line.csv' })).toBeVisible();
    // Each look moves the page's clock on by a poll interval: however slow the machine, the
    // polls come (one whose answer is still awaited is not sent twice).
    const polled = pollsOf(second.id).length;
    await expect
      .poll(async () => {
        await page.clock.runFor(1_000);
        return pollsOf(second.id).length;
      })
      .toBeGreaterThanOrEqual(polled + 3);
    expect(streamsOf(first.id)).toHaveLength(1);
    expect(streamsOf(second.id)).toHaveLength(0);

    await cancelImport(first.id);
    const firstCard = page.getByRole('region', { name: 'first-in-line.csv' });
    await expect(firstCard.getByText('The import was cancelled. Nothing was changed.')).toBeVisible();
    await expect.poll(() => streamsOf(second.id).length).toBe(1);
  });
});
