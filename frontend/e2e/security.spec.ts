import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startSecuredServer, type SecuredServer } from './support/secured-server';

// A backend of its own, started WITH an API token (the shared e2e backend is open).
const TOKEN = 'pi_e2e-security-0123456789abcdefghij';
const XSS_NAME = '<img src=x onerror=alert(1)>';
const STORAGE_KEY = 'product-importer.api-token';

let server: SecuredServer;

async function apiCall(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${server.baseURL}/api/v1/${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** Records CSP violations and any alert() the page would show; both must stay empty. */
function watch(page: Page) {
  const violations: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { violations, dialogs };
}

test.describe('Access control in the browser', () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await startSecuredServer({ API_TOKENS: `e2e-admin:${TOKEN}` });
    const created = await apiCall('products', {
      method: 'POST',
      token: TOKEN,
      body: { sku: 'XSS-1', name: XSS_NAME, description: `<script>alert(2)</script>` },
    });
    expect(created.status).toBe(201);
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test('the API refuses requests without the token', async () => {
    expect((await apiCall('products')).status).toBe(401);
    expect((await apiCall(`products?access_token=${TOKEN}`)).status).toBe(401);
    expect((await apiCall('products', { token: TOKEN })).status).toBe(200);
  });

  test('asks for a token on 401, keeps it for the session, renders names as text, signs out', async ({ page }) => {
    const seen = watch(page);
    await page.goto(`${server.baseURL}/products`);
    const prompt = page.getByRole('dialog', { name: 'API token required' });
    await expect(prompt).toBeVisible();
    const field = prompt.getByLabel(/^API token/);
    await expect(field).toHaveAttribute('type', 'password');

    // A wrong token is refused and the prompt stays.
    await field.fill('pi_not-the-right-token-0123456789');
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await expect(prompt.getByRole('alert')).toContainText('refused');

    await field.fill(TOKEN);
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await expect(prompt).toBeHidden();
    const table = page.getByRole('table', { name: 'Products' });
    const row = table.getByRole('row').filter({ hasText: 'XSS-1' });
    await expect(row).toBeVisible();

    // The stored markup is shown as text: no <img> element, no script ran.
    await expect(row.getByText(XSS_NAME, { exact: true })).toBeVisible();
    await expect(table.locator('img')).toHaveCount(0);
    expect(await page.evaluate((key) => window.sessionStorage.getItem(key), STORAGE_KEY)).toBe(TOKEN);
    expect(page.url()).not.toContain(TOKEN);

    // Kept for the session: a reload needs no new prompt.
    await page.reload();
    await expect(table.getByRole('row').filter({ hasText: 'XSS-1' })).toBeVisible();
    await expect(prompt).toBeHidden();

    // Download links work too: through a single-use ticket, never the token in the URL.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Export CSV/ }).click(),
    ]);
    expect(download.url()).toContain('download_ticket=');
    expect(download.url()).not.toContain(TOKEN);
    const csv = readFileSync((await download.path())!, 'utf-8');
    expect(csv).toContain('XSS-1');
    // A middle click too, in this tab (a new tab would open the bare URL and get a 401).
    const [middle] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Export CSV/ }).click({ button: 'middle' }),
    ]);
    expect(middle.url()).toContain('download_ticket=');
    expect(page.context().pages()).toHaveLength(1);

    // A javascript: URL cannot be saved as a webhook.
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('button', { name: 'Add webhook' }).first().click();
    const form = page.getByRole('dialog', { name: 'Add webhook' });
    await form.getByLabel(/Endpoint URL/).fill('javascript:alert(1)');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByText('Enter a full http:// or https:// URL.')).toBeVisible();
    await form.getByRole('button', { name: 'Cancel' }).click();
    const webhooks = await apiCall('webhooks', { token: TOKEN });
    expect(await webhooks.json()).toEqual([]);
    const direct = await apiCall('webhooks', {
      method: 'POST',
      token: TOKEN,
      body: { url: 'javascript:alert(1)', events: ['product.created'] },
    });
    expect(direct.status).toBe(422);

    // Sign out: the token is forgotten and the next request asks again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(prompt).toBeVisible();
    expect(await page.evaluate((key) => window.sessionStorage.getItem(key), STORAGE_KEY)).toBeNull();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

    expect(seen.dialogs).toEqual([]);
    expect(seen.violations).toEqual([]);
  });

  test('a 401 while saving an edit asks for the token over the edit dialog, which keeps the edits', async ({ page }) => {
    await page.goto(`${server.baseURL}/products`);
    const prompt = page.getByRole('dialog', { name: 'API token required' });
    await prompt.getByLabel(/^API token/).fill(TOKEN);
    await prompt.getByRole('button', { name: 'Sign in' }).click();
    await expect(prompt).toBeHidden();

    await page.getByRole('button', { name: 'Edit XSS-1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit product' });
    const description = edit.getByLabel(/^Description/);
    await description.fill('Edited while the token ran out');
    // The token is refused from now on (revoked on the server, say): the save gets a real 401.
    const product = /\/api\/v1\/products\/\d+$/;
    await page.route(product, (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer pi_revoked-0123456789' } }),
    );
    const save = edit.getByRole('button', { name: 'Save changes' });
    await save.focus();
    await page.keyboard.press('Enter');
    await expect(prompt).toBeVisible();

    // The keyboard goes round the prompt only (Sign in waits for a token): Close, the field, Cancel.
    const field = prompt.getByLabel(/^API token/);
    const cancel = prompt.getByRole('button', { name: 'Cancel' });
    const close = prompt.getByRole('button', { name: 'Close' });
    await expect(field).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(cancel).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(close).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(field).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(close).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(cancel).toBeFocused();

    // Escape closes the prompt only: the edits are still there, and the focus is back on Save.
    await page.keyboard.press('Escape');
    await expect(prompt).toBeHidden();
    await expect(edit).toBeVisible();
    await expect(description).toHaveValue('Edited while the token ran out');
    await expect(save).toBeFocused();

    await page.unroute(product);
    await page.keyboard.press('Enter');
    await expect(edit).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Saved XSS-1.' })).toBeVisible();
  });

  test('Swagger and ReDoc work under their Content-Security-Policy', async ({ page }) => {
    const seen = watch(page);
    await page.goto(`${server.baseURL}/docs`);
    await expect(page.locator('.swagger-ui .info .title')).toContainText('Product Importer');
    await expect(page.getByRole('button', { name: /Authorize/ })).toBeVisible();
    await page.goto(`${server.baseURL}/redoc`);
    await expect(page.getByRole('heading', { name: /Product Importer/ }).first()).toBeVisible();
    // Nothing is blocked: ReDoc's "powered by" logo, an image on the internet, is served inlined.
    expect(seen.violations).toEqual([]);
    expect(seen.dialogs).toEqual([]);
  });
});
