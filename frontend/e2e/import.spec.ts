import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { generatedCsv, writeCsv } from './support/csv';
import {
  api,
  expect,
  expectNoA11yViolations,
  holdRequests,
  importThroughApi,
  nextFrames,
  pageRequestsSeen,
  saveScreenshot,
  test,
  VIEWPORTS,
} from './support/fixtures';
import { holdMergeLock } from './support/merge-lock';

type ImportJson = { id: string; status: string };

const active = (status: string) => status === 'queued' || status === 'running';

/** Starts uploading `name` (its request held until `release()`), then goes to Products. */
async function uploadThenGoToProducts(page: Page, name: string, body: string) {
  await page.goto('/');
  const uploading = await holdRequests(page, 'POST', /\/api\/v1\/imports$/);
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(body) });
  const bar = page.getByRole('region', { name: 'Upload' });
  await expect(bar).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
  return { uploading, bar, nav };
}

test.describe('Story 1: import a CSV and watch it', () => {
  // A test that fails mid-import must not leave the import running: every later test that
  // empties the catalog first would meet a 409.
  test.afterEach(async ({ baseURL }) => {
    const { items } = await api<{ items: ImportJson[] }>(baseURL!, 'imports?page_size=50');
    for (const item of items.filter((each) => active(each.status))) {
      await fetch(`${baseURL}/api/v1/imports/${item.id}/cancel`, { method: 'POST' }); // 409 once it ended
    }
    await expect
      .poll(async () => (await api<{ items: ImportJson[] }>(baseURL!, 'imports?page_size=50')).items.some((each) => active(each.status)), {
        timeout: 60_000,
      })
      .toBe(false);
  });

  test('uploads a CSV, shows live progress, then the summary with the error report', async ({ page }) => {
    const rows: string[][] = [];
    for (let i = 0; i < 5000; i += 1) rows.push([`IMP-${i}`, `Imported product ${i}`, `Description, ${i}`]);
    rows.push(['imp-7', 'Imported product 7 (last wins)', 'duplicate in another case']);
    rows.push(['', 'No SKU here', 'skipped']);
    rows.push(['IMP-NONAME', '', 'skipped too']);
    rows.push(['IMP-HTML', '<b>Bold</b> <script>alert(1)</script>', 'names are text']);
    const file = writeCsv('story1.csv', rows);

    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Import products' })).toBeVisible();
    await page.locator('input[type="file"]').setInputFiles(file);

    const progress = page.getByRole('region', { name: 'story1.csv' });
    await expect(progress).toBeVisible();
    await expect(progress.getByRole('progressbar')).toBeVisible();
    await expect(page).toHaveURL(/\?import=/);

    const summary = progress.getByTestId('import-summary');
    await expect(summary).toBeVisible({ timeout: 60_000 });
    await expect(progress.getByTestId('import-percent')).toHaveText('100%');
    await expect(summary).toContainText('Created5,001');
    await expect(summary).toContainText('Skipped2');
    await expect(summary).toContainText('Duplicates in file1');
    await expect(progress.getByTestId('import-rows')).toContainText('5,004');
    await saveScreenshot(page, 'import-completed-desktop');

    const report = summary.getByRole('link', { name: /error report/i });
    const importId = new URL(page.url()).searchParams.get('import');
    await expect(report).toHaveAttribute('href', `/api/v1/imports/${importId}/errors.csv`);
    const download = page.waitForEvent('download');
    await report.click();
    const errors = readFileSync(await (await download).path(), 'utf8');
    expect(errors).toContain('No SKU here');

    const history = page.getByRole('table', { name: 'Import history' });
    await expect(history.getByRole('row').filter({ hasText: 'story1.csv' }).first()).toContainText('Completed');
  });

  test('the file chooser keeps the keyboard focus while the file uploads, and takes no second file', async ({
    page,
  }) => {
    let choosers = 0;
    page.on('filechooser', () => {
      choosers += 1;
    });
    await page.goto('/');
    const chooser = page.getByLabel('Choose a CSV file');
    const uploading = await holdRequests(page, 'POST', /\/api\/v1\/imports$/);
    await chooser.focus();
    const opened = page.waitForEvent('filechooser');
    await page.keyboard.press('Space');
    const csv = Buffer.from('sku,name\nKEY-1,Chosen with the keyboard\n');
    await (await opened).setFiles({ name: 'keyboard.csv', mimeType: 'text/csv', buffer: csv });
    await expect(page.getByRole('region', { name: 'Upload' })).toBeVisible();
    await expect.poll(uploading.count).toBe(1);
    await nextFrames(page);
    await expect(chooser).toBeFocused();
    await page.keyboard.press('Space');
    await nextFrames(page);
    await pageRequestsSeen(page);
    expect(choosers).toBe(1);
    expect(uploading.count()).toBe(1);

    uploading.release();
    const progress = page.getByRole('region', { name: 'keyboard.csv' });
    await expect(progress.getByTestId('import-summary')).toBeVisible({ timeout: 60_000 });
  });

  test('an upload that ends after the user went to Products leaves that URL alone; the import is there on return', async ({
    page,
  }) => {
    const { uploading, nav } = await uploadThenGoToProducts(page, 'left-behind.csv', 'sku,name\nLEFT-1,Uploaded while away\n');

    const created = page.waitForResponse((response) => response.request().method() === 'POST' && /\/api\/v1\/imports$/.test(response.url()));
    uploading.release();
    expect((await created).status()).toBe(202);
    await nextFrames(page);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/products');

    await nav.getByRole('link', { name: 'Import' }).click();
    const history = page.getByRole('table', { name: 'Import history' });
    await expect(history.getByRole('row').filter({ hasText: 'left-behind.csv' })).toHaveCount(1);
  });

  test('an upload still running is shown again on return from Products, and its import then live on the page', async ({
    page,
  }) => {
    const { uploading, bar, nav } = await uploadThenGoToProducts(page, 'come-back.csv', 'sku,name\nBACK-1,Uploaded while away and back\n');

    await nav.getByRole('link', { name: 'Import' }).click();
    await expect(bar).toContainText('Uploading come-back.csv');
    await expect(bar.getByTestId('upload-percent')).toHaveText(/^\d+%$/);
    await expect(page.getByLabel('Choose a CSV file')).toHaveAttribute('aria-disabled', 'true');

    const created = page.waitForResponse((response) => response.request().method() === 'POST' && /\/api\/v1\/imports$/.test(response.url()));
    uploading.release();
    const { id } = (await (await created).json()) as ImportJson;
    await expect(page).toHaveURL(new RegExp(`/\\?import=${id}$`));
    await expect(bar).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'come-back.csv' }).getByTestId('import-summary')).toBeVisible({ timeout: 60_000 });
  });

  test('an upload still running on return from Products can be stopped there', async ({ page }) => {
    const { uploading, bar, nav } = await uploadThenGoToProducts(page, 'stopped-later.csv', 'sku,name\nSTOP-1,Never imported\n');
    await nav.getByRole('link', { name: 'Import' }).click();
    await expect(bar).toBeVisible();

    await bar.getByRole('button', { name: 'Stop upload' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Upload stopped. Nothing was imported.' })).toBeVisible();
    await expect(bar).toHaveCount(0);
    await expect(page.getByLabel('Choose a CSV file')).not.toHaveAttribute('aria-disabled', 'true');
    uploading.release();
    await page.reload();
    const history = page.getByRole('table', { name: 'Import history' });
    await expect(history.getByRole('row').nth(1)).toBeVisible();
    await expect(history.getByRole('row').filter({ hasText: 'stopped-later.csv' })).toHaveCount(0);
  });

  test('an import picked in the history is shown after the running one, which stays in view', async ({ page, baseURL }) => {
    const finished = await importThroughApi(baseURL!, 'finished-before.csv', 'sku,name\nPICK-1,Picked in the history\n');
    // The next import runs until it is cancelled: it waits there for its turn to save its rows.
    const mergeLock = await holdMergeLock();
    try {
      const lines = ['sku,name,description'];
      for (let i = 0; i < 1_000; i += 1) lines.push(`RUN-${i},Running meanwhile ${i},Row ${i}`);
      const form = new FormData();
      form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'running-meanwhile.csv');
      const response = await fetch(`${baseURL}/api/v1/imports`, { method: 'POST', body: form });
      expect(response.status).toBe(202);
      const running = (await response.json()) as ImportJson;
      // Queued or running before the page is opened.
      const statusOf = async () => {
        const answer = await fetch(`${baseURL}/api/v1/imports/${running.id}`);
        return answer.ok ? ((await answer.json()) as ImportJson).status : `HTTP ${answer.status}`;
      };
      await expect.poll(statusOf).toMatch(/^(queued|running)$/);

      // Arriving during the import pins it in the URL.
      await page.goto('/');
      await expect(page).toHaveURL(new RegExp(`/\\?import=${running.id}$`));
      const runningCard = page.getByRole('region', { name: 'running-meanwhile.csv' });
      await expect(runningCard).toBeVisible();

      const pick = page.getByRole('table', { name: 'Import history' }).getByRole('button', { name: 'finished-before.csv' });
      await pick.click();
      await expect(page).toHaveURL(new RegExp(`/\\?import=${running.id}&import=${finished.id}$`));
      await expect(page.getByRole('region', { name: 'finished-before.csv' }).getByTestId('import-summary')).toBeVisible();
      await expect(runningCard.getByTestId('import-status')).toHaveText(/^(Running|Queued|Waiting)$/);
      const shown = page.locator('section[aria-labelledby^="import-"]');
      await expect(shown).toHaveCount(2);
      await expect(shown.first()).toHaveAttribute('aria-labelledby', `import-${running.id}-title`);
      // The picked import's card is brought into view and read: its heading has the keyboard focus.
      const picked = page.getByRole('region', { name: 'finished-before.csv' });
      await expect(picked.getByRole('heading', { name: 'finished-before.csv' })).toBeFocused();
      await expect(picked).toBeInViewport();

      // Cancelled through the API now: accepted only while it still runs, so the checks above saw
      // it running; and it does not run on into the next story.
      const cancel = await fetch(`${baseURL}/api/v1/imports/${running.id}/cancel`, { method: 'POST' });
      expect(cancel.status, 'the import ended before the checks were done').toBe(200);
      await expect.poll(statusOf, { timeout: 60_000 }).not.toMatch(/^(queued|running)$/);
      expect(await statusOf()).toBe('cancelled');
    } finally {
      await mergeLock.release();
    }
  });

  test('a generated CSV imports to completion with every distinct SKU created', async ({ page }) => {
    const file = generatedCsv('generated.csv', 100_000, 11);
    await page.goto('/');
    await page.locator('input[type="file"]').setInputFiles(file.path);
    const progress = page.getByRole('region', { name: 'generated.csv' });
    const summary = progress.getByTestId('import-summary');
    await expect(summary).toBeVisible({ timeout: 60_000 });
    await expect(progress.getByTestId('import-rows')).toContainText('100,000 / 100,000');
    // created + updated + unchanged = distinct SKUs in the file (the generator's own count).
    const count = async (label: string) =>
      Number(((await summary.locator('div', { hasText: label }).locator('dd').first().textContent()) ?? '').replace(/,/g, ''));
    const applied = (await count('Created')) + (await count('Updated')) + (await count('Unchanged'));
    expect(applied).toBe(file.distinctSkus);
    expect(await count('Duplicates in file')).toBe(file.rows - file.distinctSkus - (await count('Skipped')));
  });

  test('accepts a dropped file and says why a file without the required columns is rejected', async ({ page }) => {
    await page.goto('/');
    const csv = 'code,title\nA-1,Nothing useful\n';
    const dataTransfer = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'wrong-columns.csv', { type: 'text/csv' }));
      return transfer;
    }, csv);
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
    await expect(page.getByRole('alert').filter({ hasText: 'The upload of wrong-columns.csv was rejected.' })).toContainText(/sku/i);
  });

  test('a reload during an import still shows it running; delete all waits; cancel', async ({
    page,
    context,
    baseURL,
  }) => {
    // The import runs until it is cancelled: once its rows are checked, it waits there for its
    // turn to save them.
    const mergeLock = await holdMergeLock();
    try {
      const file = generatedCsv('large.csv', 100_000, 7);
      await page.goto('/');
      // Held: on its own the upload is on the screen for a few hundred milliseconds only.
      const uploading = await holdRequests(page, 'POST', /\/api\/v1\/imports$/);
      await page.locator('input[type="file"]').setInputFiles(file.path);
      await expect(page.getByRole('region', { name: 'Upload' })).toContainText('Uploading large.csv');
      uploading.release();
      await expect(page).toHaveURL(/\?import=/, { timeout: 60_000 });
      const importId = new URL(page.url()).searchParams.get('import')!;
      // Live updates arrive without reloading: the page learnt of the import from the upload's
      // answer (queued); only an update can have told it where the import waits now.
      const progress = page.getByRole('region', { name: 'large.csv' });
      await expect(progress.getByTestId('import-phase')).toHaveText('Waiting for other imports to finish', { timeout: 60_000 });

      // A fresh visit without the id in the URL finds the running import by itself.
      await page.goto('/');
      await expect(progress).toBeVisible();
      // Still waiting for the held merge: the badge says so, not that it runs.
      await expect(progress.getByTestId('import-status')).toHaveText('Waiting');
      await expect(progress.getByTestId('import-phase')).not.toBeEmpty();

      await saveScreenshot(page, 'import-running-desktop');
      await expectNoA11yViolations(page, 'import page while an import runs');
      await page.setViewportSize(VIEWPORTS.phone);
      await saveScreenshot(page, 'import-running-phone');
      await page.setViewportSize(VIEWPORTS.desktop);

      // Story 3 meanwhile: delete all is disabled and says why, and the API refuses it too.
      const products = await context.newPage();
      await products.goto('/products');
      await expect(products.getByRole('button', { name: 'Delete all products' })).toBeDisabled();
      await expect(products.getByText(/Unavailable while an import is (running|queued) \(large\.csv\)/)).toBeVisible();
      await saveScreenshot(products, 'products-delete-all-blocked-desktop');
      const refused = await fetch(`${baseURL}/api/v1/products/all`, { method: 'DELETE' });
      expect(refused.status).toBe(409);
      await products.close();

      await progress.getByRole('button', { name: 'Cancel import' }).click();
      await page.getByRole('alertdialog', { name: 'Cancel this import?' }).getByRole('button', { name: 'Stop the import' }).click();
      await expect
        .poll(async () => (await api<ImportJson>(baseURL!, `imports/${importId}`)).status, { timeout: 60_000 })
        .not.toMatch(/queued|running/);
      const final = await api<ImportJson & { error: string | null }>(baseURL!, `imports/${importId}`);
      expect(final, JSON.stringify(final)).toMatchObject({ status: 'cancelled' });
      await expect(page).toHaveURL(new RegExp(`import=${importId}`));
      await expect(progress.getByText('The import was cancelled. Nothing was changed.')).toBeVisible();
    } finally {
      await mergeLock.release();
    }
  });
});
