import type { Page } from '@playwright/test';
import { api, deleteWebhooks, expect, test } from './support/fixtures';

type Webhook = { id: number; url: string; events: string[] };

// Disabled, so no event is sent to it (and it is not disabled automatically, a change of its own).
const ENDPOINT = 'http://127.0.0.1:9/two-tabs';

/** Opens the Webhooks page in `tab` and the Edit dialog of the endpoint. */
async function openEditDialog(tab: Page) {
  await tab.goto('/webhooks');
  await tab.getByTestId('webhook-card').filter({ hasText: ENDPOINT }).getByRole('button', { name: /^Edit/ }).click();
  return tab.getByRole('dialog', { name: 'Edit webhook' });
}

test.describe('Story 4b: a webhook edited in two tabs', () => {
  test.beforeEach(async ({ baseURL }) => {
    await deleteWebhooks(baseURL!);
  });

  test.afterEach(async ({ baseURL }) => {
    await deleteWebhooks(baseURL!);
  });

  test("the later save gets the conflict, loads the current values with its own change on top, and keeps the earlier tab's change", async ({
    page,
    context,
    baseURL,
  }) => {
    const { id } = await api<Webhook>(baseURL!, 'webhooks', {
      method: 'POST',
      body: { url: ENDPOINT, events: ['import.completed', 'import.failed', 'product.created'], enabled: false },
    });
    const stored = () => api<Webhook>(baseURL!, `webhooks/${id}`);

    // Tab A and tab B open Edit on the same webhook.
    const other = await context.newPage();
    const editA = await openEditDialog(other);
    const editB = await openEditDialog(page);

    // A unticks product.created and saves.
    await editA.getByRole('checkbox', { name: /product\.created/ }).uncheck();
    await editA.getByRole('button', { name: 'Save changes' }).click();
    await expect(editA).toBeHidden();
    await expect(other.getByTestId('toast').filter({ hasText: 'Webhook saved.' })).toBeVisible();
    expect((await stored()).events).toEqual(['import.completed', 'import.failed']);

    // B, opened before A's save, unticks import.failed and saves: refused, A's change is not undone.
    await editB.getByRole('checkbox', { name: /import\.failed/ }).uncheck();
    await editB.getByRole('button', { name: 'Save changes' }).click();
    const alert = editB.getByRole('alert');
    await expect(alert).toContainText('changed elsewhere');
    await expect(editB.getByRole('checkbox', { name: /import\.failed/ })).not.toBeChecked();
    expect((await stored()).events).toEqual(['import.completed', 'import.failed']);

    // Load current values: A's untick comes in, B's stays.
    await alert.getByRole('button', { name: 'Load current values' }).click();
    await expect(editB.getByRole('checkbox', { name: /product\.created/ })).not.toBeChecked();
    await expect(editB.getByRole('checkbox', { name: /import\.failed/ })).not.toBeChecked();
    await expect(editB.getByRole('checkbox', { name: /import\.completed/ })).toBeChecked();
    await expect(editB.getByRole('status').filter({ hasText: 'Changed elsewhere' })).toContainText(
      'Changed elsewhere: events.',
    );
    await editB.getByRole('button', { name: 'Save changes' }).click();
    await expect(editB).toBeHidden();
    await expect(page.getByTestId('toast').filter({ hasText: 'Webhook saved.' })).toBeVisible();

    // Both changes are saved, and both tabs show them.
    expect((await stored()).events).toEqual(['import.completed']);
    await expect(page.getByRole('list', { name: 'Events' })).toHaveText('import.completed');
    await other.reload();
    await expect(other.getByRole('list', { name: 'Events' })).toHaveText('import.completed');
    await other.close();
  });
});
