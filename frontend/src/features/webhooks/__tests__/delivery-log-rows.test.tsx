import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFactory, webhookFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders } from '@/testing/test-utils';
import type { WebhookDelivery } from '@/types/api';
import { WebhookDeliveriesModal } from '../components/webhook-deliveries-modal';

const GONE = { detail: 'webhook 90 not found' };

function delivery(id: number, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return deliveryFactory({ id, webhook_id: 90, event_id: `evt-${id}`, ...overrides });
}

/** The log of webhook 90, answered from `log` (20 rows a page, so that a newer attempt pushes
 * the oldest of 20 to page 2), or 404 once `gone`. */
function deliveriesApi(first: WebhookDelivery[]) {
  const state = { log: first, gone: false };
  mockFetch([
    {
      path: '/api/v1/webhooks/90/deliveries',
      status: () => (state.gone ? 404 : 200),
      body: () =>
        state.gone ? GONE : { items: state.log.slice(0, 20), total: state.log.length, page: 1, page_size: 20 },
    },
  ]);
  return state;
}

async function openLog() {
  // The page behind the dialog, with its heading (inert while the dialog is open).
  renderWithProviders(
    <main>
      <h1 tabIndex={-1}>Webhooks</h1>
      <WebhookDeliveriesModal
        webhook={webhookFactory({ id: 90, url: 'https://hooks.test/log' })}
        onClose={() => undefined}
      />
    </main>,
  );
  await advance(0);
  return screen.getByRole('dialog', { name: 'Delivery log' });
}

describe('the delivery log', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('keeps the keyboard focus in the dialog when a poll takes the focused row off the page and no neighbour has its button', async () => {
    // 19 test sends (no Redeliver) over one that failed: its Redeliver is the only one.
    const tests = Array.from({ length: 19 }, (_, index) => delivery(1_000 + index, { event_type: 'webhook.test' }));
    const api = deliveriesApi([...tests, delivery(900, { ok: false, status_code: 500 })]);
    const dialog = await openLog();
    const redeliver = within(dialog).getByRole('button', { name: /^Redeliver/ });
    redeliver.focus();

    api.log = [delivery(2_000, { event_type: 'webhook.test' }), ...api.log];
    await advance(3_000);
    await waitFor(() => expect(within(dialog).queryByRole('button', { name: /^Redeliver/ })).toBeNull());
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });

  it('shows no rows, retry times or Redeliver once the webhook is known to be deleted', async () => {
    const retryDue = new Date(Date.now() - 60_000).toISOString();
    const api = deliveriesApi([delivery(901, { ok: false, status_code: 500, next_retry_at: retryDue })]);
    const dialog = await openLog();
    expect(within(dialog).getByText(/^Retry due/)).toBeInTheDocument();
    within(dialog).getByRole('button', { name: /^Redeliver/ }).focus();

    api.gone = true;
    await advance(3_000);
    expect(await within(dialog).findByText('This webhook no longer exists: it was deleted elsewhere.')).toBeInTheDocument();
    expect(within(dialog).queryByText(/^Retry due/)).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /^Redeliver/ })).toBeNull();
    expect(within(dialog).queryAllByTestId('delivery-event-id')).toHaveLength(0);
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });
});
