import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import { deliveryFactory, webhookFactory } from '@/testing/factories';
import { fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import type { Webhook, WebhookDelivery } from '@/types/api';
import { WebhooksList } from '../components/webhooks-list';

describe('updating a webhook', () => {
  // However slow the machine, the log is reopened well within the time it is cached for.
  beforeEach(fakeClock);
  afterEach(realClock);

  it('fetches its delivery log again: a retry that disabling cancelled is not shown from the cache', async () => {
    let webhook: Webhook = webhookFactory({ id: 60, url: 'https://hooks.test/retrying', enabled: true });
    const failed = (nextRetryAt: string | null): WebhookDelivery =>
      deliveryFactory({
        id: 601,
        webhook_id: 60,
        event_id: 'msg_retrying',
        status_code: 500,
        error: 'HTTP 500 Internal Server Error',
        next_retry_at: nextRetryAt,
        ok: false,
      });
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const { calls } = mockFetch([
      { path: '/api/v1/webhooks', body: () => [webhook] },
      {
        path: '/api/v1/webhooks/60/deliveries',
        // Disabling cancels the pending retry, as the API does.
        body: () => ({ items: [failed(webhook.enabled ? inAnHour : null)], total: 1, page: 1, page_size: 20 }),
      },
      {
        method: 'PATCH',
        path: '/api/v1/webhooks/60',
        body: () => (webhook = { ...webhook, enabled: false }),
      },
    ]);
    const user = setupUserOnFakeClock();
    const { queryClient } = renderWithProviders(<WebhooksList />);
    // The app's caching (test-utils turn it off): a query younger than that is not fetched again.
    queryClient.setDefaultOptions({
      ...queryClient.getDefaultOptions(),
      queries: { ...queryClient.getDefaultOptions().queries, staleTime: createQueryClient().getDefaultOptions().queries?.staleTime },
    });
    const deliveryGets = () => calls.filter((call) => call.url.includes('/deliveries'));

    await user.click(await screen.findByRole('button', { name: /^Delivery log/ }));
    const log = screen.getByRole('dialog', { name: 'Delivery log' });
    expect(await within(log).findByText(/^Next retry/)).toBeInTheDocument();
    await user.click(within(log).getByRole('button', { name: 'Close' }));

    await user.click(screen.getByRole('switch', { name: /^Enabled/ }));
    expect(await screen.findByText('Webhook disabled.')).toBeInTheDocument();

    // Reopened at once, well within the 5 s the log is cached for (and before its 3 s poll).
    await user.click(screen.getByRole('button', { name: /^Delivery log/ }));
    const reopened = screen.getByRole('dialog', { name: 'Delivery log' });
    await waitFor(() => expect(deliveryGets()).toHaveLength(2));
    await waitFor(() => expect(within(reopened).queryByText(/^Next retry/)).toBeNull());
    expect(within(reopened).getByText('msg_retrying')).toBeInTheDocument();
  });
});
