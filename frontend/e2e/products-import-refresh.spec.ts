import { expect, holdRequests, importThroughApi, test } from './support/fixtures';

const IMPORTS_LIST = /\/api\/v1\/imports\?/;

test('an open Products list shows the products of a short import started elsewhere', async ({ page, baseURL }) => {
  const sku = `QUICK-${Date.now()}`;
  const firstCheck = page.waitForResponse((response) => IMPORTS_LIST.test(response.url()));
  await page.goto(`/products?sku=${sku}`);
  await expect(page.getByText('No products match these filters.')).toBeVisible();
  await firstCheck;

  // The page's checks for imports reach the API only once the import has ended: it is never seen
  // queued or running, as when it starts and ends between two checks.
  const checks = await holdRequests(page, 'GET', IMPORTS_LIST);
  const done = await importThroughApi(baseURL!, 'quick.csv', `sku,name\n${sku}-1,Quick one\n${sku}-2,Quick two\n`);
  expect(done.status).toBe('completed');
  checks.release();

  const table = page.getByRole('table', { name: 'Products' });
  await expect(table).toContainText(`${sku}-1`);
  await expect(table).toContainText(`${sku}-2`);
});
