import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFactory, webhookFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import type { WebhookDelivery } from '@/types/api';
import { WebhookDeliveriesModal } from '../components/webhook-deliveries-modal';

function attempt(id: number, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return deliveryFactory({
    id,
    webhook_id: 70,
    event_id: 'msg_redelivered',
    status_code: 500,
    error: 'HTTP 500 Internal Server Error',
    ok: false,
    ...overrides,
  });
}

describe('the delivery log after Redeliver', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('shows the new attempt as soon as the worker has sent it, and no retry due for the one it replaced', async () => {
    const webhook = webhookFactory({ id: 70, url: 'https://hooks.test/redeliver' });
    // The retry was due a while ago (the worker was busy): "Retry due".
    const failed = attempt(701, { next_retry_at: new Date(Date.now() - 60_000).toISOString() });
    let log: WebhookDelivery[] = [failed];
    mockFetch([
      { path: '/api/v1/webhooks/70/deliveries', body: () => ({ items: log, total: log.length, page: 1, page_size: 20 }) },
      {
        method: 'POST',
        path: '/api/v1/webhooks/deliveries/701/redeliver',
        body: { delivery_id: 701, webhook_id: 70, event_id: 'msg_redelivered' },
      },
    ]);
    const user = setupUserOnFakeClock();
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    await advance(0);
    const dialog = screen.getByRole('dialog', { name: 'Delivery log' });
    expect(within(dialog).getByText(/^Retry due/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: /^Redeliver/ }));
    await advance(0);
    // The API withdrew the retry the redelivery replaced; the worker sends the event a moment
    // after the API queued it.
    log = [attempt(702, { status_code: 200, error: null, ok: true }), { ...failed, next_retry_at: null }];
    await advance(1_000);
    // Well before the log's own poll (every 3 s): `findBy` moves the clock on by at most 1 s more.
    // The badge sets its pieces ("HTTP 200", "· 9 ms") apart, so that neither breaks mid-word.
    expect((await within(dialog).findByText('HTTP 200')).parentElement).toHaveTextContent('HTTP 200 · 9 ms');
    expect(within(dialog).queryByText(/^Retry due/)).toBeNull();
  });

  it('keeps one schedule of refreshes however fast Redeliver is pressed, which ends with the log', async () => {
    const webhook = webhookFactory({ id: 70, url: 'https://hooks.test/redeliver' });
    const asked: number[] = [];
    mockFetch([
      {
        path: '/api/v1/webhooks/70/deliveries',
        body: () => {
          asked.push(Date.now());
          return { items: [attempt(701)], total: 1, page: 1, page_size: 20 };
        },
      },
      {
        method: 'POST',
        path: '/api/v1/webhooks/deliveries/701/redeliver',
        body: { delivery_id: 701, webhook_id: 70, event_id: 'msg_redelivered' },
      },
    ]);
    const user = setupUserOnFakeClock();
    const { rerender } = renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    await advance(0);
    const redeliver = within(screen.getByRole('dialog', { name: 'Delivery log' })).getByRole('button', {
      name: /^Redeliver/,
    });
    await user.click(redeliver);
    await advance(300);
    await user.click(redeliver);
    await advance(0);
    const secondPress = asked.length;
    await advance(6_000);
    const refreshes = asked.slice(secondPress - 1);
    // Each refresh waits for the one before: none a moment after another, as two schedules would.
    const gaps = refreshes.slice(1).map((time, index) => time - refreshes[index]);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);

    rerender(<WebhookDeliveriesModal webhook={null} onClose={() => undefined} />);
    const closedAt = asked.length;
    await advance(30_000);
    expect(asked).toHaveLength(closedAt);
  });
});
