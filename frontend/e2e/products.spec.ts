import { readFileSync } from 'node:fs';
import {
  api,
  expect,
  expectNoA11yViolations,
  holdRequests,
  importThroughApi,
  nextFrames,
  pageRequestsSeen,
  pressEnterTwiceWhilePending,
  test,
} from './support/fixtures';
import type { Locator, Page } from '@playwright/test';

const HTML_NAME = '<b>Bold</b> & <img src=x onerror="window.__xss=1">';

/** 120 products: PRD-001…PRD-120; odd ones are "Gadget"s, every tenth mentions "blue". */
function catalog(): string {
  const lines = ['sku,name,description'];
  for (let i = 1; i <= 120; i += 1) {
    const n = String(i).padStart(3, '0');
    const kind = i % 2 ? 'Gadget' : 'Widget';
    lines.push(`PRD-${n},${kind} ${n},${i % 10 === 0 ? 'A blue one' : 'Plain'}`);
  }
  lines.push(`PRD-HTML,"${HTML_NAME.replace(/"/g, '""')}",Markup in the name`);
  return lines.join('\n') + '\n';
}

async function seed(baseURL: string) {
  await api(baseURL, 'products/all', { method: 'DELETE' });
  const done = await importThroughApi(baseURL, 'catalog.csv', catalog());
  expect(done.status).toBe('completed');
}

function table(page: Page) {
  return page.getByRole('table', { name: 'Products' });
}

function firstSku(page: Page) {
  return table(page).locator('tbody tr').first().locator('td').first();
}

test.describe('Story 2: browse and edit products', () => {
  test.beforeEach(async ({ baseURL }) => {
    await seed(baseURL!);
  });

  test('search, filter, sort and paginate on the server, with the state in the URL', async ({ page }) => {
    await page.goto('/products');
    const pager = page.getByRole('navigation', { name: 'Products pagination' });
    await expect(pager).toContainText('1–50 of 121');

    // Sort by SKU, then descending.
    await table(page).getByRole('button', { name: /^SKU/ }).click();
    await expect(page).toHaveURL(/sort=sku/);
    await expect(firstSku(page)).toHaveText('PRD-001');
    await table(page).getByRole('button', { name: /^SKU/ }).click();
    await expect(page).toHaveURL(/sort=-sku/);
    await expect(firstSku(page)).toHaveText('PRD-HTML');

    // Paginate.
    await pager.getByRole('button', { name: 'Next page' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(pager).toContainText('51–100 of 121');
    await pager.getByRole('button', { name: 'Last page' }).click();
    await expect(pager).toContainText('101–121 of 121');
    await expect(firstSku(page)).toHaveText('PRD-021');

    // Search resets to page 1; filters narrow further.
    await page.getByRole('searchbox', { name: 'Search by SKU or name' }).fill('gadget');
    await expect(page).toHaveURL(/q=gadget/);
    await expect(page).not.toHaveURL(/page=/);
    await expect(pager).toContainText('of 60');
    await page.getByLabel('Description contains').fill('blue');
    await expect(pager).toContainText('No results');
    await page.getByLabel('Search by SKU or name').fill('');
    await expect(pager).toContainText('1–12 of 12');
    await page.getByLabel('SKU contains').fill('prd-05');
    await expect(pager).toContainText('1–1 of 1');
    await expect(firstSku(page)).toHaveText('PRD-050');

    // The state survives a reload.
    await page.reload();
    await expect(page.getByLabel('SKU contains')).toHaveValue('prd-05');
    await expect(page.getByLabel('Description contains')).toHaveValue('blue');
    await expect(firstSku(page)).toHaveText('PRD-050');

    // Export the current filter.
    const exportLink = page.getByRole('link', { name: 'Export filtered CSV' });
    await expect(exportLink).toHaveAttribute('href', /\/api\/v1\/products\/export\.csv\?.*sku=prd-05/);
    const download = page.waitForEvent('download');
    await exportLink.click();
    expect((await download).suggestedFilename()).toMatch(/^products-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv).toContain('PRD-050');
    expect(csv).not.toContain('PRD-040');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(pager).toContainText('of 121');
    await page.getByLabel('Status').selectOption('false');
    await expect(page).toHaveURL(/is_active=false/);
    await expect(pager).toContainText('No results');
  });

  test('create, validate, edit, toggle and delete a product; HTML in names is text', async ({ page }) => {
    await page.goto('/products?sort=sku');

    // A name containing HTML is shown as text.
    await page.getByLabel('SKU contains').fill('PRD-HTML');
    await expect(table(page).getByText(HTML_NAME)).toBeVisible();
    expect(await table(page).locator('b, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Create: client-side checks, then the API's duplicate-SKU answer.
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await expect(dialog.getByLabel(/^SKU/)).toBeFocused();
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await expect(dialog.getByText('SKU is required.')).toBeVisible();
    await expect(dialog.getByText('Name is required.')).toBeVisible();
    await dialog.getByLabel(/^SKU/).fill('prd-001');
    await dialog.getByLabel(/^Name/).fill('Clash');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await expect(dialog.getByText(/already exists/)).toBeVisible();
    await dialog.getByLabel(/^SKU/).fill('NEW-1');
    await dialog.getByLabel(/^Name/).fill('Brand new thing');
    await dialog.getByLabel('Description').fill('Made in the e2e test');
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Created NEW-1.' })).toBeVisible();

    await page.getByRole('searchbox', { name: 'Search by SKU or name' }).fill('NEW-1');
    const row = table(page).getByRole('row').filter({ hasText: 'NEW-1' });
    await expect(row).toContainText('Brand new thing');

    // Edit.
    await row.getByRole('button', { name: 'Edit NEW-1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit product' });
    await edit.getByLabel(/^Name/).fill('Renamed thing');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Saved NEW-1.' })).toBeVisible();
    await expect(row).toContainText('Renamed thing');

    // Toggle active.
    const active = row.getByRole('switch', { name: 'Active: NEW-1' });
    await expect(active).toHaveAttribute('aria-checked', 'true');
    await active.click();
    await expect(page.getByTestId('toast').filter({ hasText: 'NEW-1 is now inactive.' })).toBeVisible();
    await expect(active).toHaveAttribute('aria-checked', 'false');

    // Delete one, after a confirmation; Cancel keeps it.
    await row.getByRole('button', { name: 'Delete NEW-1' }).click();
    let confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Delete NEW-1' }).click();
    confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await confirm.getByRole('button', { name: 'Delete product' }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Deleted NEW-1.' })).toBeVisible();
    await expect(table(page)).toContainText('No products match these filters.');
  });

  test('keyboard only: open, fill and submit the create form', async ({ page }) => {
    await page.goto('/products');
    await page.getByRole('button', { name: 'New product' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await page.keyboard.type('KEY-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Typed by keyboard');
    // Focus stays inside the dialog however far the person tabs.
    for (let i = 0; i < 10; i += 1) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((node) => node.contains(document.activeElement))).toBe(true);
    }
    await dialog.getByLabel(/^Name/).press('Enter');
    await expect(page.getByTestId('toast').filter({ hasText: 'Created KEY-1.' })).toBeVisible();
    // Escape closes a dialog and focus returns to the button that opened it.
    await page.getByRole('button', { name: 'New product' }).press('Enter');
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('button', { name: 'New product' })).toBeFocused();
  });
});

test.describe('Story 2b: products edge cases', () => {
  test.beforeEach(async ({ baseURL }) => {
    await seed(baseURL!);
  });

  test("keyboard focus returns to a row's buttons after their dialogs; the Active switch keeps it", async ({
    page,
  }) => {
    await page.goto('/products?sort=sku');
    const row = table(page).getByRole('row').filter({ hasText: 'PRD-001' });
    const remove = row.getByRole('button', { name: 'Delete PRD-001' });
    const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await remove.focus();
    await page.keyboard.press('Enter');
    await expect(confirm).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(remove).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(confirm).toBeHidden();
    await expect(remove).toBeFocused();

    const edit = row.getByRole('button', { name: 'Edit PRD-001' });
    await edit.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Edit product' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Edit product' })).toBeHidden();
    await expect(edit).toBeFocused();

    const active = row.getByRole('switch', { name: 'Active: PRD-001' });
    await active.focus();
    // The list is fetched again after the save: the focus must survive that too.
    const refetched = page.waitForResponse(
      (response) => response.request().method() === 'GET' && /\/api\/v1\/products\?/.test(response.url()),
    );
    await page.keyboard.press('Space');
    await expect(page.getByTestId('toast').filter({ hasText: 'PRD-001 is now inactive.' })).toBeVisible();
    await refetched;
    await expect(active).toHaveAttribute('aria-checked', 'false');
    await expect(active).toBeFocused();
  });

  test("after a delete, the keyboard focus goes to the next row's Delete, else the previous row's, else the heading", async ({
    page,
  }) => {
    const deleteButton = (sku: string) => table(page).getByRole('button', { name: `Delete ${sku}`, exact: true });
    async function deleteWithKeyboard(sku: string) {
      await deleteButton(sku).focus();
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
      await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('toast').filter({ hasText: `Deleted ${sku}.` })).toBeVisible();
      // The list is fetched again without the row: the focus must stay where it went.
      await expect(deleteButton(sku)).toHaveCount(0);
    }

    await page.goto('/products?sort=sku&sku=PRD-11');
    await expect(table(page).locator('tbody tr')).toHaveCount(10);
    await deleteWithKeyboard('PRD-110');
    await expect(deleteButton('PRD-111')).toBeFocused();
    await deleteWithKeyboard('PRD-119');
    await expect(deleteButton('PRD-118')).toBeFocused();

    await page.goto('/products?sku=PRD-120');
    await deleteWithKeyboard('PRD-120');
    await expect(table(page)).toContainText('No products match these filters.');
    await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeFocused();
  });

  test('a space typed before a pause stays in the search; Clear filters keeps the keyboard focus', async ({ page }) => {
    await page.goto('/products');
    const pager = page.getByRole('navigation', { name: 'Products pagination' });
    await expect(pager).toContainText('of 121');
    const search = page.getByRole('searchbox', { name: 'Search by SKU or name' });
    await search.focus();
    await page.keyboard.type('gadget ');
    await expect(page).toHaveURL(/\?q=gadget$/);
    await page.keyboard.type('001');
    await expect(page).toHaveURL(/\?q=gadget\+001$/);
    await expect(search).toHaveValue('gadget 001');
    await expect(pager).toContainText('1–1 of 1');

    const clear = page.getByRole('button', { name: 'Clear filters' });
    await clear.focus();
    await page.keyboard.press('Enter');
    await expect(pager).toContainText('of 121');
    await expect(search).toHaveValue('');
    // Nothing left to clear: it says so, and the focus stays on it instead of dropping to the page.
    await expect(clear).toHaveAttribute('aria-disabled', 'true');
    await nextFrames(page);
    await expect(clear).toBeFocused();
  });

  test("the product dialog's submit button keeps the keyboard focus while it saves, and saves once", async ({
    page,
    baseURL,
  }) => {
    await page.goto('/products');
    await expect(page.getByRole('navigation', { name: 'Products pagination' })).toContainText('of 121');
    const creating = await holdRequests(page, 'POST', /\/api\/v1\/products$/);
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel(/^SKU/).fill('FOCUS-1');
    await dialog.getByLabel(/^Name/).fill('Saved from the keyboard');
    await pressEnterTwiceWhilePending(page, dialog.getByRole('button', { name: 'Create product' }), creating);

    creating.release();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Created FOCUS-1.' })).toBeVisible();
    const found = await api<{ total: number }>(baseURL!, 'products?sku=FOCUS-1');
    expect(found.total).toBe(1);
  });

  test('a page past the end goes to the last page, replacing the URL', async ({ page }) => {
    const pager = page.getByRole('navigation', { name: 'Products pagination' });
    await page.goto('/products?sku=PRD-00&page_size=100&page=2');
    await expect(page).toHaveURL(/\/products\?sku=PRD-00&page_size=100$/);
    await expect(pager).toContainText('1–9 of 9');
    await expect(pager).toContainText('Page 1 of 1');

    await page.goto('/products');
    await expect(pager).toContainText('1–50 of 121');
    await page.goto('/products?page=99999');
    await expect(page).toHaveURL(/\/products\?page=3$/);
    await expect(pager).toContainText('101–121 of 121');
    await expect(pager).toContainText('Page 3 of 3');
    // The URL past the end was replaced: Back returns to the page before it.
    await page.goBack();
    await expect(page).toHaveURL(/\/products$/);
  });

  test('creating a product while offline fails with a message, and the dialog can be closed', async ({
    page,
    context,
    baseURL,
  }) => {
    await page.goto('/products');
    await expect(page.getByRole('navigation', { name: 'Products pagination' })).toContainText('of 121');
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByLabel(/^SKU/).fill('OFF-1');
    await dialog.getByLabel(/^Name/).fill('Made offline');
    const creates: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/api\/v1\/products$/.test(request.url())) creates.push(request.url());
    });
    // A request paused while offline would be sent when the page hears the network is back.
    await page.evaluate(() => {
      const back = new Promise<void>((resolve) => window.addEventListener('online', () => resolve(), { once: true }));
      (window as unknown as { backOnline: Promise<void> }).backOnline = back;
    });
    await context.setOffline(true);
    try {
      await dialog.getByRole('button', { name: 'Create product' }).click();
      await expect(dialog.getByRole('alert')).toContainText('The server could not be reached.');
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeEnabled();
      // What was typed is not thrown away on a key press: the dialog asks first.
      await page.keyboard.press('Escape');
      const discard = page.getByRole('alertdialog', { name: 'Discard your changes?' });
      await expect(discard.getByRole('button', { name: 'Keep editing' })).toBeFocused();
      await discard.getByRole('button', { name: 'Discard changes' }).click();
      await expect(dialog).toBeHidden();
    } finally {
      await context.setOffline(false);
    }
    // Nothing is sent later, when the network comes back.
    const sentOffline = creates.length;
    await page.evaluate(() => (window as unknown as { backOnline: Promise<void> }).backOnline);
    await nextFrames(page);
    await pageRequestsSeen(page);
    expect(creates).toHaveLength(sentOffline);
    const found = await api<{ total: number }>(baseURL!, 'products?sku=OFF-1');
    expect(found.total).toBe(0);
  });

  test('the Status filter shows its choices in full at 1024, 1280 and 390 px', async ({ page }) => {
    for (const width of [1024, 1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto('/products');
      const filtersToggle = page.getByRole('button', { name: /Filters and sort/ });
      if (await filtersToggle.isVisible()) await filtersToggle.click();
      const status = page.getByRole('combobox', { name: 'Status' });
      await expect(status).toBeVisible();
      // The browser's own measure: the width that shows its longest choice and the arrow.
      const { shown, needed } = await status.evaluate((select: HTMLSelectElement) => {
        const shown = select.offsetWidth;
        select.style.width = 'max-content';
        const needed = select.offsetWidth;
        select.style.width = '';
        return { shown, needed };
      });
      expect(shown, `the Status filter is cut off at ${width} px`).toBeGreaterThanOrEqual(needed);
      const filters = (await page.getByRole('region', { name: 'Search and filters' }).boundingBox())!;
      expect(filters.x + filters.width, `the filters are wider than the screen at ${width} px`).toBeLessThanOrEqual(width);
    }
  });

  test('a long SKU does not push the row buttons out of view at 1280 px', async ({ page, baseURL }) => {
    const skus = ['é'.repeat(64), `LONG-${'X'.repeat(59)}`];
    for (const sku of skus) {
      await api(baseURL!, 'products', {
        method: 'POST',
        body: { sku, name: 'A product with a very long SKU', description: 'Long SKUs are valid' },
      });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const sku of skus) {
      await page.goto(`/products?sku=${encodeURIComponent(sku)}`);
      const row = table(page).getByRole('row').filter({ hasText: 'A product with a very long SKU' });
      await expect(row).toHaveCount(1);
      const region = (await table(page).locator('xpath=..').boundingBox())!;
      for (const control of [
        row.getByRole('switch', { name: `Active: ${sku}` }),
        row.getByRole('button', { name: `Edit ${sku}` }),
        row.getByRole('button', { name: `Delete ${sku}` }),
      ]) {
        const box = (await control.boundingBox())!;
        expect(box.x + box.width, `${await control.getAttribute('aria-label')} is cut off`).toBeLessThanOrEqual(
          region.x + region.width,
        );
      }
      // The SKU cut short is there in full as the cell's title.
      await expect(row.locator('td').first().locator('[title]')).toHaveAttribute('title', sku);
    }
  });
});

/** Whether the page scrolls sideways: something is wider than the screen. */
function hasHorizontalOverflow(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

async function expectWithinViewport(page: Page, locator: Locator, what: string) {
  const box = (await locator.boundingBox())!;
  const width = page.viewportSize()!.width;
  expect(box.x, `${what} starts left of the screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends right of the screen (${width} px)`).toBeLessThanOrEqual(width);
}

test.describe('Story 2c: long values and edits from two places', () => {
  test.beforeEach(async ({ baseURL }) => {
    await seed(baseURL!);
  });

  test('a name and SKU without spaces fit the table, the edit dialog and the delete confirmation at 375 and 1440 px', async ({
    page,
    baseURL,
  }) => {
    const sku = `WIDE-${'S'.repeat(59)}`;
    await api(baseURL!, 'products', {
      method: 'POST',
      body: { sku, name: 'W'.repeat(255), description: 'D'.repeat(2_000) },
    });
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/products?sku=${sku}`);
      const row = table(page).getByRole('row').filter({ has: page.getByRole('button', { name: `Delete ${sku}` }) });
      await expect(row).toHaveCount(1);
      expect(await hasHorizontalOverflow(page), `the products page is wider than ${width} px`).toBe(false);
      await expectWithinViewport(page, row.getByRole('button', { name: `Delete ${sku}` }), 'the row\'s Delete');
      await expectWithinViewport(page, row.getByRole('button', { name: `Edit ${sku}` }), 'the row\'s Edit');

      await row.getByRole('button', { name: `Edit ${sku}` }).click();
      const edit = page.getByRole('dialog', { name: 'Edit product' });
      await expect(edit).toContainText(sku);
      const dialogBox = (await edit.boundingBox())!;
      const close = (await edit.getByRole('button', { name: 'Close' }).boundingBox())!;
      expect(close.x + close.width, `Close is outside the edit dialog at ${width} px`).toBeLessThanOrEqual(
        dialogBox.x + dialogBox.width,
      );
      await expectWithinViewport(page, edit, 'the edit dialog');
      expect(await hasHorizontalOverflow(page)).toBe(false);
      await page.keyboard.press('Escape');
      await expect(edit).toBeHidden();

      await row.getByRole('button', { name: `Delete ${sku}` }).click();
      const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
      await expect(confirm).toContainText(sku);
      await expectWithinViewport(page, confirm, 'the delete confirmation');
      await expectWithinViewport(page, confirm.getByRole('button', { name: 'Delete product' }), 'Delete product');
      // Its message wraps inside it: nothing is cut off at its edge.
      const message = confirm.locator('[id]').filter({ hasText: 'will be deleted' }).last();
      expect(await message.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true);
      expect(await hasHorizontalOverflow(page)).toBe(false);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(confirm).toBeHidden();
    }
  });

  test('a save from a dialog opened before another edit gets the conflict, loads the current values and saves on them', async ({
    page,
    context,
    baseURL,
  }) => {
    const stored = async (sku: string) =>
      (await api<{ items: { name: string; description: string | null }[] }>(baseURL!, `products?sku=${sku}`)).items[0];
    const other = await context.newPage();
    for (const tab of [page, other]) {
      await tab.goto('/products?sku=PRD-007');
      await table(tab).getByRole('button', { name: 'Edit PRD-007' }).click();
    }
    // The other tab saves a description first.
    const otherEdit = other.getByRole('dialog', { name: 'Edit product' });
    await otherEdit.getByLabel('Description').fill('Written in the other tab');
    await otherEdit.getByRole('button', { name: 'Save changes' }).click();
    await expect(other.getByTestId('toast').filter({ hasText: 'Saved PRD-007.' })).toBeVisible();
    await other.close();

    // This tab, opened earlier, saves a name: refused, nothing is undone.
    const edit = page.getByRole('dialog', { name: 'Edit product' });
    await expect(edit.getByLabel('Description')).toHaveValue('Plain');
    await edit.getByLabel(/^Name/).fill('Renamed in this tab');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const alert = edit.getByRole('alert');
    await expect(alert).toContainText('changed elsewhere');
    await expect(edit.getByLabel(/^SKU/)).not.toHaveAttribute('aria-invalid', 'true');
    expect(await stored('PRD-007')).toMatchObject({ name: 'Gadget 007', description: 'Written in the other tab' });

    await alert.getByRole('button', { name: 'Load current values' }).click();
    await expect(edit.getByLabel('Description')).toHaveValue('Written in the other tab');
    await expect(edit.getByLabel(/^Name/)).toHaveValue('Renamed in this tab'); // this tab's change stays
    await expect(edit.getByRole('status').filter({ hasText: 'Changed elsewhere' })).toContainText(
      'Changed elsewhere: description.',
    );
    await expect(edit.getByLabel(/^SKU/)).toBeFocused();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Saved PRD-007.' })).toBeVisible();
    expect(await stored('PRD-007')).toMatchObject({ name: 'Renamed in this tab', description: 'Written in the other tab' });
    await expect(table(page).getByRole('row').filter({ hasText: 'PRD-007' })).toContainText('Renamed in this tab');
  });

  test('a double click on "Delete product" deletes once, with no error', async ({ page }) => {
    await page.goto('/products?sku=PRD-008');
    const deletes: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'DELETE') deletes.push(request.url());
    });
    await table(page).getByRole('button', { name: 'Delete PRD-008' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await confirm.getByRole('button', { name: 'Delete product' }).dblclick();
    await expect(page.getByTestId('toast').filter({ hasText: 'Deleted PRD-008.' })).toBeVisible();
    await expect(table(page)).toContainText('No products match these filters.');
    await pageRequestsSeen(page);
    expect(deletes).toHaveLength(1);
    await expect(page.locator('[data-testid="toast"][data-kind="error"]')).toHaveCount(0);
  });

  test('a delete confirmed from a page showing an older version deletes nothing, says so and shows the product as it is', async ({
    page,
    baseURL,
  }) => {
    const stored = async () => (await api<{ items: { id: number; name: string }[] }>(baseURL!, 'products?sku=PRD-009')).items;
    await page.goto('/products?sku=PRD-009');
    await table(page).getByRole('button', { name: 'Delete PRD-009' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await expect(confirm).toContainText('Gadget 009');
    // Changed elsewhere (another tab, an import) while the confirmation is open.
    const [product] = await stored();
    await api(baseURL!, `products/${product.id}`, { method: 'PATCH', body: { name: 'Renamed elsewhere' } });

    await confirm.getByRole('button', { name: 'Delete product' }).click();
    await expect(page.getByTestId('toast').filter({ hasText: 'PRD-009 was not deleted' })).toContainText(
      'changed elsewhere since this page showed it',
    );
    await expect(table(page).getByRole('row').filter({ hasText: 'PRD-009' })).toContainText('Renamed elsewhere');
    expect(await stored()).toMatchObject([{ id: product.id, name: 'Renamed elsewhere' }]);
  });
});

test.describe('Story 2d: a whole SKU among many matches', () => {
  test.beforeEach(async ({ baseURL }) => {
    await api(baseURL!, 'products/all', { method: 'DELETE' });
    // 30 SKUs containing "ABC-1", stored first: sorted by id they fill a page of 25 before ABC-1.
    const numbers = [...Array(10).keys()].map((n) => 10 + n).concat([...Array(20).keys()].map((n) => 100 + n));
    const csv = ['sku,name,description', ...numbers.map((n) => `ABC-${n},Similar ${n},Shares the prefix`)];
    const done = await importThroughApi(baseURL!, 'abc.csv', csv.join('\n') + '\n');
    expect(done.status).toBe('completed');
    await api(baseURL!, 'products', { method: 'POST', body: { sku: 'ABC-1', name: 'The exact one' } });
  });

  test('a search for a whole SKU shows that product above the table, wherever it sorts, at 1280 and 375 px', async ({
    page,
  }) => {
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto('/products?page_size=25');
      const pager = page.getByRole('navigation', { name: 'Products pagination' });
      await expect(pager).toContainText('1–25 of 31');
      const exact = page.getByRole('region', { name: 'Exact SKU match' });
      await expect(exact).toHaveCount(0);

      const search = page.getByRole('searchbox', { name: 'Search by SKU or name' });
      await search.fill('abc-1');
      await expect(page).toHaveURL(/q=abc-1/);
      await expect(exact).toContainText('ABC-1');
      await expect(exact).toContainText('The exact one');
      // Among the 31 matches it sorts last, on page 2: the table's first page does not have it.
      await expect(pager).toContainText('1–25 of 31');
      await expect(table(page).getByRole('button', { name: 'Edit ABC-1', exact: true })).toHaveCount(0);
      expect(await hasHorizontalOverflow(page), `the products page is wider than ${width} px`).toBe(false);
      for (const control of [
        exact.getByRole('switch', { name: 'Active: ABC-1', exact: true }),
        exact.getByRole('button', { name: 'Edit ABC-1', exact: true }),
        exact.getByRole('button', { name: 'Delete ABC-1', exact: true }),
      ]) {
        await expectWithinViewport(page, control, `the exact match's ${await control.getAttribute('aria-label')}`);
      }
      if (width === 1280) await expectNoA11yViolations(page, 'products with an exact SKU match');

      // Its Edit opens the dialog for that product, from the keyboard too.
      const edit = exact.getByRole('button', { name: 'Edit ABC-1', exact: true });
      await edit.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Edit product' });
      await expect(dialog.getByLabel(/^SKU/)).toHaveValue('ABC-1');
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(edit).toBeFocused();

      // On its own page the row is there too, marked as the one shown above.
      await pager.getByRole('button', { name: 'Next page' }).click();
      const editInRow = page.getByRole('button', { name: 'Edit ABC-1', exact: true });
      const row = table(page).getByRole('row').filter({ has: editInRow });
      await expect(row).toHaveAttribute('aria-current', 'true');
      await expect(exact).toContainText('ABC-1');

      await search.fill('');
      await expect(page).not.toHaveURL(/q=/);
      await expect(exact).toHaveCount(0);
    }
  });
});

test.describe('Story 3: delete all products', () => {
  test.beforeEach(async ({ baseURL }) => {
    await seed(baseURL!);
  });

  test('asks "Are you sure?", wants DELETE typed, then empties the catalog', async ({ page, baseURL }) => {
    await page.goto('/products');
    await expect(page.getByRole('navigation', { name: 'Products pagination' })).toContainText('of 121');
    await page.getByRole('button', { name: 'Delete all products' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete all products?' });
    await expect(dialog).toContainText('Are you sure? This cannot be undone.');
    const confirm = dialog.getByRole('button', { name: 'Delete all products' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type DELETE to confirm/).fill('delete');
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type DELETE to confirm/).fill('DELETE');
    await confirm.click();
    await expect(page.getByTestId('toast').filter({ hasText: 'Deleted 121 products.' })).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(table(page)).toContainText('No products yet.');
    const left = await api<{ total: number }>(baseURL!, 'products');
    expect(left.total).toBe(0);
  });

  test('the typed confirmation keeps the keyboard focus while everything is deleted', async ({ page }) => {
    await page.goto('/products');
    await expect(page.getByRole('navigation', { name: 'Products pagination' })).toContainText('of 121');
    const deleting = await holdRequests(page, 'DELETE', /\/api\/v1\/products\/all$/);
    await page.getByRole('button', { name: 'Delete all products' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete all products?' });
    const typed = dialog.getByLabel(/Type DELETE to confirm/);
    await typed.fill('DELETE');
    await pressEnterTwiceWhilePending(page, typed, deleting, dialog.getByRole('button', { name: 'Deleting…' }));

    deleting.release();
    await expect(page.getByTestId('toast').filter({ hasText: 'Deleted 121 products.' })).toBeVisible();
    await expect(dialog).toBeHidden();
  });
});
