import type { Page } from '@playwright/test';
import {
  api,
  deleteWebhooks,
  expect,
  expectNoA11yViolations,
  importThroughApi,
  saveScreenshot,
  test,
  VIEWPORTS,
} from './support/fixtures';
import { WebhookReceiver } from './support/receiver';

// Every page, at desktop and phone width: no serious or critical axe-core violations, nothing
// wider than the screen, and a screenshot for people to look at.

let receiver: WebhookReceiver;

test.beforeAll(async ({ baseURL }) => {
  await deleteWebhooks(baseURL!);
  receiver = await new WebhookReceiver().start();
  await api(baseURL!, 'webhooks', {
    method: 'POST',
    body: { url: receiver.url, events: ['import.completed', 'product.created'], description: 'Catalog sync' },
  });
  await api(baseURL!, 'webhooks', {
    method: 'POST',
    body: { url: 'http://127.0.0.1:9/unreachable', events: ['products.deleted_all'], enabled: false },
  });
  await api(baseURL!, 'products/all', { method: 'DELETE' });
  const rows = ['sku,name,description'];
  for (let i = 1; i <= 80; i += 1) {
    rows.push(`SHOT-${String(i).padStart(3, '0')},"Screenshot product ${i}, a longer name to wrap","Description ${i}: durable, light, ideal for travel"`);
  }
  rows.push('SHOT-HTML,"<em>Markup</em> stays text",Safe');
  rows.push(',missing sku,skipped');
  await importThroughApi(baseURL!, 'screenshots.csv', rows.join('\n') + '\n');
});

// The endpoints go before their receiver: later stories would queue failing deliveries to it, and a
// receiver of theirs on the same port could get its events.
test.afterAll(async ({ baseURL }) => {
  await deleteWebhooks(baseURL!);
  await receiver?.stop();
});

async function expectFitsWidth(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page is wider than the screen').toBeLessThanOrEqual(0);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`${device} (${viewport.width}px)`, () => {
    test.use({ viewport });

    test('import page', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('table', { name: 'Import history' })).toContainText('screenshots.csv');
      await expectFitsWidth(page);
      await expectNoA11yViolations(page, `import page (${device})`);
      await saveScreenshot(page, `import-${device}`);
      await page.getByRole('button', { name: 'screenshots.csv' }).first().click();
      await expect(page.getByTestId('import-summary')).toBeVisible();
      await expectNoA11yViolations(page, `import summary (${device})`);
      await saveScreenshot(page, `import-summary-${device}`);
    });

    test('products page and its dialogs', async ({ page }) => {
      await page.goto('/products?sort=sku');
      await expect(page.getByRole('table', { name: 'Products' })).toContainText('SHOT-001');
      await expectFitsWidth(page);
      await expectNoA11yViolations(page, `products page (${device})`);
      await saveScreenshot(page, `products-${device}`);

      await page.getByRole('button', { name: 'New product' }).click();
      const form = page.getByRole('dialog', { name: 'New product' });
      await form.getByRole('button', { name: 'Create product' }).click();
      await expect(form.getByText('SKU is required.')).toBeVisible();
      await expectNoA11yViolations(page, `product form (${device})`);
      await saveScreenshot(page, `products-form-${device}`);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Delete all products' }).click();
      await expect(page.getByRole('alertdialog', { name: 'Delete all products?' })).toBeVisible();
      await expectNoA11yViolations(page, `delete all dialog (${device})`);
      await saveScreenshot(page, `products-delete-all-${device}`);
      await page.keyboard.press('Escape');
    });

    test('webhooks page and its dialogs', async ({ page }) => {
      await page.goto('/webhooks');
      const card = page.getByTestId('webhook-card').filter({ hasText: receiver.url });
      await card.getByRole('button', { name: /^Test/ }).click();
      await expect(card.getByTestId('webhook-test-result')).toContainText('HTTP 200');
      await expect(card).toContainText('HTTP 200');
      await expectFitsWidth(page);
      await expectNoA11yViolations(page, `webhooks page (${device})`);
      await saveScreenshot(page, `webhooks-${device}`);

      await card.getByRole('button', { name: /^Delivery log/ }).click();
      const log = page.getByRole('dialog', { name: 'Delivery log' });
      await expect(log.getByRole('row').filter({ hasText: 'import.completed' }).first()).toBeVisible();
      await expectNoA11yViolations(page, `delivery log (${device})`);
      await saveScreenshot(page, `webhooks-deliveries-${device}`);
      await page.keyboard.press('Escape');

      await card.getByRole('button', { name: /^Edit/ }).click();
      await expect(page.getByRole('dialog', { name: 'Edit webhook' })).toBeVisible();
      await expectNoA11yViolations(page, `webhook form (${device})`);
      await saveScreenshot(page, `webhooks-form-${device}`);
      await page.keyboard.press('Escape');
    });
  });
}
