import { expect, runPageClock, test } from './support/fixtures';

test('client-side routes load on a direct visit and through the navigation', async ({ page }) => {
  await page.goto('/products');
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await expect(page).toHaveURL(/\/webhooks$/);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await page.getByRole('link', { name: 'Import' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import products' })).toBeVisible();
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
});

test('/import and /imports show the Import page at its address, in place of their history entry', async ({ page }) => {
  for (const path of ['/import', '/imports']) {
    await page.goto('/products');
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: 'Import products' })).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
    await expect(page).toHaveURL(/\/products$/);
  }
});

test('an unknown import in the URL is "not found" at once, and is not asked about again', async ({ page }) => {
  const id = '00000000-0000-0000-0000-000000000000';
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes(`/imports/${id}`)) asked.push(new URL(request.url()).pathname);
  });
  await page.clock.install();
  await page.goto(`/?import=${id}`);
  await expect(page.getByText(/This import was not found/)).toBeVisible();
  // A minute on: longer than any poll interval, and than every reopening of a broken stream.
  await runPageClock(page, 60_000);
  expect(asked.filter((path) => !path.endsWith('/events'))).toHaveLength(1);
  expect(asked.filter((path) => path.endsWith('/events')).length).toBeLessThanOrEqual(1);
});
