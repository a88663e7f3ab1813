import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import {
  api,
  deleteWebhooks,
  expect,
  holdRequests,
  importThroughApi,
  pageRequestsSeen,
  pressEnterTwiceWhilePending,
  test,
} from './support/fixtures';
import { WebhookReceiver, type ReceivedRequest } from './support/receiver';

type Webhook = { id: number; url: string };

function addWebhook(baseURL: string, url: string, events = ['import.completed']) {
  return api<Webhook>(baseURL, 'webhooks', { method: 'POST', body: { url, events } });
}

function card(page: Page, url: string) {
  return page.getByTestId('webhook-card').filter({ hasText: url });
}

/** Opens the Webhooks page and the Edit dialog of the endpoint at `url`. */
async function openEditDialog(page: Page, url: string) {
  await page.goto('/webhooks');
  await card(page, url).getByRole('button', { name: /^Edit/ }).click();
  return page.getByRole('dialog', { name: 'Edit webhook' });
}

/** The Standard Webhooks signature of a request (`v1,` + HMAC-SHA256 keyed with the secret's bytes). */
function signatureWith(secret: string, request: ReceivedRequest): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const { 'webhook-id': id, 'webhook-timestamp': timestamp } = request.headers;
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64')}`;
}

test.describe('Story 4: webhooks', () => {
  let receiver: WebhookReceiver;

  // No endpoint is left from before: one whose receiver has stopped could have events still to send,
  // and a new receiver may listen on its port.
  test.beforeEach(async ({ baseURL }) => {
    await deleteWebhooks(baseURL!);
    receiver = await new WebhookReceiver().start();
  });

  test.afterEach(async ({ baseURL }) => {
    await deleteWebhooks(baseURL!);
    await receiver.stop();
  });

  test('add, test, reveal and copy the secret, see deliveries, redeliver, edit, disable and delete', async ({
    page,
    context,
    baseURL,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/webhooks');
    await expect(page.getByText('No webhooks yet.')).toBeVisible();

    // Add: the form checks the URL before sending.
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook' });
    await expect(dialog.getByLabel(/Endpoint URL/)).toBeFocused();
    await dialog.getByLabel(/Endpoint URL/).fill('ftp://nowhere');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await expect(dialog.getByText('Enter a full http:// or https:// URL.')).toBeVisible();
    await dialog.getByLabel(/Endpoint URL/).fill(receiver.url);
    await dialog.getByRole('checkbox', { name: /product\.created/ }).check();
    await dialog.getByLabel('Description').fill('Local receiver');
    await dialog.getByRole('button', { name: 'Add webhook' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Webhook added.' })).toBeVisible();

    const card = page.getByTestId('webhook-card').filter({ hasText: receiver.url });
    await expect(card).toBeVisible();
    await expect(card.getByRole('list', { name: 'Events' })).toContainText('import.completed');
    await expect(card.getByRole('list', { name: 'Events' })).toContainText('product.created');
    await expect(card.getByRole('switch', { name: 'Enabled' })).toHaveAttribute('aria-checked', 'true');
    await expect(card).toContainText('none yet');
    // New, so marked slow until its first quick answer: nothing to warn of before anything was sent to it.
    await expect(card.getByTestId('webhook-health')).toHaveCount(0);

    // Test: a real signed POST to the receiver; status code and time are shown.
    await card.getByRole('button', { name: /^Test/ }).click();
    await expect(card.getByTestId('webhook-test-result')).toHaveText(/Test succeeded: HTTP 200 · [\d,]+ ms/);
    const testCall = receiver.ofType('webhook.test')[0];
    expect(testCall.headers['webhook-signature']).toMatch(/^v1,/);
    expect(testCall.headers['webhook-id']).toBeTruthy();

    // The secret: hidden, revealed on demand, copied to the clipboard.
    const secret = card.getByTestId('webhook-secret');
    await expect(secret).not.toContainText('whsec_');
    await card.getByRole('button', { name: /^Reveal/ }).click();
    await expect(secret).toContainText('whsec_');
    await card.getByRole('button', { name: /^Copy/ }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Secret copied' })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe((await secret.textContent())?.trim());

    // A real event: an import through the API fires import.completed to the receiver.
    await importThroughApi(baseURL!, 'hooked.csv', 'sku,name\nHOOK-1,Hooked product\n');
    await expect.poll(() => receiver.ofType('import.completed').length, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(card).toContainText('HTTP 200', { timeout: 15_000 });

    // The delivery log, and a redelivery that reaches the receiver again.
    await card.getByRole('button', { name: /^Delivery log/ }).click();
    const log = page.getByRole('dialog', { name: 'Delivery log' });
    const row = log.getByRole('row').filter({ hasText: 'import.completed' }).first();
    await expect(row).toContainText('HTTP 200');
    // The row names the event as the receiver got it, in the webhook-id header.
    await expect(row).toContainText(String(receiver.ofType('import.completed')[0].headers['webhook-id']));
    const before = receiver.ofType('import.completed').length;
    await row.getByRole('button', { name: /^Redeliver/ }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Redelivery of import.completed queued.' })).toBeVisible();
    await expect.poll(() => receiver.ofType('import.completed').length, { timeout: 30_000 }).toBeGreaterThan(before);
    await expect(log.getByRole('row').filter({ hasText: 'import.completed' })).toHaveCount(2, { timeout: 15_000 });
    await page.keyboard.press('Escape');
    await expect(log).toBeHidden();

    // Edit.
    await card.getByRole('button', { name: /^Edit/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit webhook' });
    await edit.getByLabel('Description').fill('Renamed receiver');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(card).toContainText('Renamed receiver');

    // Disable with the switch. (A toast goes after 5 s: it is looked for first.)
    await card.getByRole('switch').click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Webhook disabled.' })).toBeVisible();
    // Its label, shown beside it and starting its name, stays "Enabled": off, it is read "Enabled, switch, off".
    await expect(card.getByRole('switch', { name: 'Enabled' })).toHaveAttribute('aria-checked', 'false');
    await expect(card.getByRole('switch')).toContainText('Enabled');

    // Delete, after a confirmation.
    await card.getByRole('button', { name: /^Delete/ }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete webhook?' });
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Webhook deleted.' })).toBeVisible();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
  });

  test('an endpoint that refuses connections is shown failing, with what that means for its deliveries', async ({
    page,
    baseURL,
  }) => {
    // A port nothing listens on any more.
    const gone = await new WebhookReceiver().start();
    await gone.stop();
    await addWebhook(baseURL!, gone.url);
    await page.goto('/webhooks');
    const health = card(page, gone.url).getByTestId('webhook-health');
    await expect(card(page, gone.url)).toContainText('none yet');
    await expect(health).toHaveCount(0);

    await importThroughApi(baseURL!, 'unheard.csv', 'sku,name\nUNHEARD-1,Unheard product\n');
    await expect(health).toHaveText(
      /^Failing since .+ · deliveries go one at a time; disabled automatically if it keeps failing$/,
      { timeout: 30_000 },
    );
  });

  test('rotate the secret: the new one is shown, and for 24 hours events are signed with both', async ({
    page,
    context,
    baseURL,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const webhook = await addWebhook(baseURL!, receiver.url);
    await page.goto('/webhooks');
    const hook = card(page, receiver.url);
    await hook.getByRole('button', { name: /^Reveal/ }).click();
    const secret = hook.getByTestId('webhook-secret');
    await expect(secret).toContainText('whsec_');
    const oldSecret = (await secret.textContent())!.trim();
    await expect(hook.getByTestId('webhook-previous-secret')).toHaveCount(0);

    // From the keyboard: the dialog explains, and keeping the old secret 24 hours is the default.
    const rotate = hook.getByRole('button', { name: /^Rotate secret/ });
    await rotate.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Rotate signing secret?' });
    await expect(dialog).toContainText('For 24 hours each event is signed with both the old and the new secret');
    const keep = dialog.getByRole('radio', { name: 'Keep it for 24 hours (recommended)' });
    await expect(keep).toBeChecked();
    await expect(keep).toBeFocused();

    // Rotate keeps the focus while the request runs, and rotates once.
    const held = await holdRequests(page, 'POST', new RegExp(`/api/v1/webhooks/${webhook.id}/rotate-secret$`));
    const sent = page.waitForRequest((request) => request.url().endsWith('/rotate-secret'));
    await pressEnterTwiceWhilePending(page, dialog.getByRole('button', { name: 'Rotate secret' }), held);
    expect((await sent).postDataJSON()).toEqual({ keep_previous_seconds: 86_400 });
    held.release();
    await expect(page.getByTestId('toast').filter({ hasText: 'Secret rotated: the new one is shown on the card.' })).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(rotate).toBeFocused();

    // The new secret, shown; the old one still signing for 24 hours.
    await expect(secret).not.toHaveText(oldSecret);
    const newSecret = (await secret.textContent())!.trim();
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    const saved = await api<{ secret: string; previous_secret_expires_at: string }>(baseURL!, `webhooks/${webhook.id}`);
    expect(saved.secret).toBe(newSecret);
    const hoursLeft = (Date.parse(saved.previous_secret_expires_at) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24);
    await expect(hook.getByTestId('webhook-previous-secret')).toHaveText(
      /^Old secret still signs until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M$/,
    );
    await hook.getByRole('button', { name: /^Copy/ }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Secret copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(newSecret);

    // A test send carries a signature made with each secret: a receiver with either accepts it.
    await hook.getByRole('button', { name: /^Test/ }).click();
    await expect(hook.getByTestId('webhook-test-result')).toContainText('Test succeeded');
    const delivered = receiver.ofType('webhook.test').at(-1)!;
    const signatures = String(delivered.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures).toContain(signatureWith(newSecret, delivered));
    expect(signatures).toContain(signatureWith(oldSecret, delivered));
  });

  test("after a delete, the keyboard focus goes to the next card's Delete, else the previous card's, else the heading", async ({
    page,
    baseURL,
  }) => {
    for (const name of ['a', 'b', 'c']) await addWebhook(baseURL!, `${receiver.url}/${name}`);
    await page.goto('/webhooks');
    await expect(page.getByTestId('webhook-card')).toHaveCount(3);
    const [first, middle, last] = await page.getByTestId('webhook-card').locator('h2').allTextContents();
    const deleteButton = (url: string) => card(page, url).getByRole('button', { name: /^Delete/ });
    async function deleteWithKeyboard(url: string) {
      await deleteButton(url).focus();
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('alertdialog', { name: 'Delete webhook?' });
      await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('toast').filter({ hasText: 'Webhook deleted.' }).last()).toBeVisible();
      // The list is fetched again without the card: the focus must stay where it went.
      await expect(card(page, url)).toHaveCount(0);
    }

    await deleteWithKeyboard(first);
    await expect(deleteButton(middle)).toBeFocused();
    await deleteWithKeyboard(last);
    await expect(deleteButton(middle)).toBeFocused();
    await deleteWithKeyboard(middle);
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeFocused();
  });

  test('the delivery log, opened from the keyboard, focuses Close; at 390 px it shows each attempt and the seconds', async ({
    page,
    baseURL,
  }) => {
    await addWebhook(baseURL!, receiver.url);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/webhooks');
    await card(page, receiver.url).getByRole('button', { name: /^Test/ }).click();
    await expect(card(page, receiver.url).getByTestId('webhook-test-result')).toContainText('Test succeeded');

    const opener = card(page, receiver.url).getByRole('button', { name: /^Delivery log/ });
    await opener.focus();
    await page.keyboard.press('Enter');
    const log = page.getByRole('dialog', { name: 'Delivery log' });
    const close = log.getByRole('button', { name: 'Close' });
    await expect(close).toBeFocused();
    const when = log.getByRole('row').filter({ hasText: 'webhook.test' }).first().getByRole('cell').first();
    await expect(when.getByText(/attempt 1$/)).toBeVisible();
    await expect(when).toContainText(/\d:\d\d:\d\d [AP]M/);
    // The rows that arrived after the dialog opened did not take the focus.
    await expect(close).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(opener).toBeFocused();
  });

  test("the webhook dialog's Save changes keeps the keyboard focus while it saves, and saves once", async ({
    page,
    baseURL,
  }) => {
    const webhook = await addWebhook(baseURL!, receiver.url);
    const edit = await openEditDialog(page, receiver.url);
    await edit.getByLabel('Description').fill('Saved from the keyboard');
    const held = await holdRequests(page, 'PATCH', new RegExp(`/api/v1/webhooks/${webhook.id}$`));
    await pressEnterTwiceWhilePending(page, edit.getByRole('button', { name: 'Save changes' }), held);
    held.release();
    await expect(edit).toBeHidden();
    await expect(card(page, receiver.url)).toContainText('Saved from the keyboard');
  });

  test('saving a description leaves an endpoint disabled meanwhile disabled: the dialog sends only what changed', async ({
    page,
    baseURL,
  }) => {
    const webhook = await addWebhook(baseURL!, receiver.url);
    const edit = await openEditDialog(page, receiver.url);
    // Disabled while the dialog is open: by hand here, by the dispatcher for an endpoint that keeps failing.
    await api(baseURL!, `webhooks/${webhook.id}`, { method: 'PATCH', body: { enabled: false } });
    await edit.getByLabel('Description').fill('Orders');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    // Changed since the dialog opened: nothing is saved until the current values are loaded.
    await edit.getByRole('alert').getByRole('button', { name: 'Load current values' }).click();
    await expect(edit.getByRole('checkbox', { name: 'Enabled' })).not.toBeChecked();
    await expect(edit.getByLabel('Description')).toHaveValue('Orders');
    const saving = page.waitForRequest((request) => request.method() === 'PATCH');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    expect((await saving).postDataJSON()).toEqual({ description: 'Orders' });
    await expect(edit).toBeHidden();
    const saved = await api<{ enabled: boolean; description: string | null }>(baseURL!, `webhooks/${webhook.id}`);
    expect(saved).toMatchObject({ enabled: false, description: 'Orders' });
    await expect(card(page, receiver.url).getByRole('switch')).not.toBeChecked();
  });

  test('an edit of a webhook deleted elsewhere says so and leaves only Close, which has the keyboard focus', async ({
    page,
    baseURL,
  }) => {
    const webhook = await addWebhook(baseURL!, receiver.url);
    const edit = await openEditDialog(page, receiver.url);
    await api(baseURL!, `webhooks/${webhook.id}`, { method: 'DELETE' });
    await edit.getByLabel('Description').fill('Orders');
    await edit.getByRole('button', { name: 'Save changes' }).click();

    await expect(edit.getByRole('alert')).toHaveText('This webhook no longer exists: it was deleted elsewhere.');
    await expect(edit.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
    await expect(edit.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    // The footer's Close, below the form (the dialog's corner has its own).
    const close = edit.getByRole('button', { name: 'Close' }).last();
    await expect(close).toBeFocused();
    await close.click();
    await expect(edit).toBeHidden();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
  });

  test('the delivery log has one Redeliver per row, in view at 375 and 1440 px', async ({ page, baseURL }) => {
    await addWebhook(baseURL!, receiver.url, ['product.created']);
    await api(baseURL!, 'products', { method: 'POST', body: { sku: `ONCE-${Date.now()}`, name: 'Redelivered once' } });
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/webhooks');
      await card(page, receiver.url).getByRole('button', { name: /^Delivery log/ }).click();
      const log = page.getByRole('dialog', { name: 'Delivery log' });
      const row = log.getByRole('row').filter({ hasText: 'product.created' });
      await expect(row).toHaveCount(1, { timeout: 30_000 });
      // One button in the page, not a copy per screen width hidden by CSS.
      await expect(row.locator('button', { hasText: 'Redeliver' })).toHaveCount(1);
      const region = log.getByRole('table').locator('xpath=..');
      const box = (await region.boundingBox())!;
      const button = (await row.getByRole('button', { name: /^Redeliver/ }).boundingBox())!;
      expect(button.x + button.width, `Redeliver is cut off at ${width} px`).toBeLessThanOrEqual(box.x + box.width);
      expect(await region.evaluate((node) => node.scrollWidth > node.clientWidth), `the log scrolls sideways at ${width} px`).toBe(
        false,
      );
      await page.keyboard.press('Escape');
      await expect(log).toBeHidden();
    }
  });

  test('Test keeps the keyboard focus while the test runs, and sends one', async ({ page, baseURL }) => {
    const webhook = await addWebhook(baseURL!, receiver.url);
    await page.goto('/webhooks');
    const test = card(page, receiver.url).getByRole('button', { name: /^Test/ });
    const held = await holdRequests(page, 'POST', new RegExp(`/api/v1/webhooks/${webhook.id}/test$`));
    await pressEnterTwiceWhilePending(page, test, held);
    held.release();
    await expect(card(page, receiver.url).getByTestId('webhook-test-result')).toContainText('Test succeeded');
    await expect(test).toBeFocused();
    expect(receiver.ofType('webhook.test')).toHaveLength(1);
  });

  test('Copy keeps the keyboard focus where the Clipboard API is missing (plain http on another host)', async ({
    page,
    baseURL,
  }) => {
    // As on a page served over plain http from another host than localhost: no navigator.clipboard.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    await addWebhook(baseURL!, receiver.url);
    await page.goto('/webhooks');
    const copy = card(page, receiver.url).getByRole('button', { name: /^Copy/ });
    await copy.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('toast').filter({ hasText: /^Secret copied|^Could not copy/ })).toBeVisible();
    await expect(copy).toBeFocused();
  });

  test('Redeliver keeps the keyboard focus while the redelivery is queued, and queues one', async ({
    page,
    baseURL,
  }) => {
    // A real event to send again (a test event is not redelivered).
    await addWebhook(baseURL!, receiver.url, ['product.created']);
    const sku = `HOOK-${Date.now()}`;
    await api(baseURL!, 'products', { method: 'POST', body: { sku, name: 'Redelivered', description: '' } });
    await page.goto('/webhooks');
    await card(page, receiver.url).getByRole('button', { name: /^Delivery log/ }).click();
    const log = page.getByRole('dialog', { name: 'Delivery log' });
    const rows = log.getByRole('row').filter({ hasText: 'product.created' });
    await expect(rows).toHaveCount(1, { timeout: 30_000 });
    const redeliver = rows.getByRole('button', { name: /^Redeliver/ });
    const pressed = await redeliver.elementHandle();
    const held = await holdRequests(page, 'POST', /\/api\/v1\/webhooks\/deliveries\/\d+\/redeliver$/);
    await pressEnterTwiceWhilePending(page, redeliver, held);
    held.release();
    await expect(page.getByTestId('toast').filter({ hasText: 'Redelivery of product.created queued.' })).toBeVisible();
    // The log shows the redelivery in a row of its own; the focus stays on the button pressed.
    await expect(rows).toHaveCount(2, { timeout: 15_000 });
    expect(await pressed!.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  test('a long description without spaces fits the card at 375 and 1440 px, and a double click deletes once', async ({
    page,
    baseURL,
  }) => {
    await api(baseURL!, 'webhooks', {
      method: 'POST',
      body: { url: receiver.url, events: ['import.completed'], description: 'D'.repeat(900) },
    });
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/webhooks');
      await expect(card(page, receiver.url)).toContainText('DDDD');
      const overflows = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflows, `the webhooks page is wider than ${width} px`).toBe(false);
      const remove = (await card(page, receiver.url).getByRole('button', { name: /^Delete/ }).boundingBox())!;
      expect(remove.x + remove.width, `Delete is off the screen at ${width} px`).toBeLessThanOrEqual(width);
    }

    const deletes: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'DELETE') deletes.push(request.url());
    });
    await card(page, receiver.url).getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('alertdialog', { name: 'Delete webhook?' }).getByRole('button', { name: 'Delete webhook' }).dblclick();
    await expect(page.getByTestId('toast').filter({ hasText: 'Webhook deleted.' })).toBeVisible();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();
    await pageRequestsSeen(page);
    expect(deletes).toHaveLength(1);
    await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  });

  test('the delivery log fits a long error at 1280 x 900: dates on one line, Redeliver in view', async ({
    page,
    baseURL,
  }) => {
    // A target that answers with a redirect to a long address: the delivery's error names it.
    const redirecting = createServer((_req, res) => {
      res.writeHead(307, { Location: `http://127.0.0.1/${'moved-somewhere-else/'.repeat(6)}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/hook`;
      // A real event (a test send offers no Redeliver).
      await addWebhook(baseURL!, url, ['product.created']);
      await api(baseURL!, 'products', { method: 'POST', body: { sku: `LONG-${Date.now()}`, name: 'Redirected' } });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/webhooks');
      const card = page.getByTestId('webhook-card').filter({ hasText: url });

      await card.getByRole('button', { name: /^Delivery log/ }).click();
      const log = page.getByRole('dialog', { name: 'Delivery log' });
      const row = log.getByRole('row').filter({ hasText: 'was not followed' }).first();
      await expect(row).toBeVisible({ timeout: 30_000 });
      const region = (await log.getByRole('table').locator('xpath=..').boundingBox())!;
      const button = (await row.getByRole('button', { name: /^Redeliver/ }).boundingBox())!;
      expect(button.x + button.width, 'Redeliver is cut off').toBeLessThanOrEqual(region.x + region.width);
      const when = row.getByRole('cell').first().locator('span').first();
      const lineHeight = await when.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight));
      expect((await when.boundingBox())!.height, 'the date wraps').toBeLessThan(lineHeight * 1.5);
    } finally {
      redirecting.closeAllConnections();
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  test.describe('at 200% zoom (a 1280 x 900 window shows 640 x 450)', () => {
    test.use({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });

    test('the delivery log reflows: the result reads whole, Redeliver in view', async ({ page, baseURL }) => {
      // A real event (a test send offers no Redeliver).
      await addWebhook(baseURL!, receiver.url, ['product.created']);
      await api(baseURL!, 'products', { method: 'POST', body: { sku: `ZOOM-${Date.now()}`, name: 'Zoomed' } });
      await page.goto('/webhooks');
      await card(page, receiver.url).getByRole('button', { name: /^Delivery log/ }).click();
      const log = page.getByRole('dialog', { name: 'Delivery log' });
      const row = log.getByRole('row').filter({ hasText: 'HTTP 200' }).first();
      await expect(row).toBeVisible({ timeout: 30_000 });

      // Nothing is hidden in a scrolling area (it shows no scrollbar), and Redeliver is whole.
      const region = log.getByRole('table').locator('xpath=..');
      expect(await region.evaluate((node) => node.scrollWidth - node.clientWidth), 'the table is cut off').toBe(0);
      const redeliver = row.getByRole('button', { name: /^Redeliver/ });
      await redeliver.focus();
      // Clipped by no scrolling area: the whole button shows.
      await expect(redeliver, 'Redeliver is cut off').toBeInViewport({ ratio: 1 });
      // "✓ HTTP 200 · 12 ms": on one line, or on two ("HTTP 200", "· 12 ms"), never cut mid-word.
      const result = row.getByText(/^HTTP 200 · [\d,]+ ms$/);
      const lineHeight = await result.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight));
      expect((await result.boundingBox())!.height, 'the result breaks mid-word').toBeLessThan(lineHeight * 2.5);
    });
  });
});
