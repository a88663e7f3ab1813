import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '@/lib/format';
import { webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Webhook } from '@/types/api';
import { WebhooksList } from '../components/webhooks-list';

const CREATED = '2025-01-01T10:00:00.000000Z';
const FAILED = '2025-01-02T08:30:00.000000Z';

/** Shows the Webhooks list with one endpoint; returns its card once it is there. */
async function showCard(overrides: Partial<Webhook>) {
  const webhook = webhookFactory({ url: 'https://hooks.test/health', created_at: CREATED, ...overrides });
  mockFetch([{ path: '/api/v1/webhooks', body: [webhook] }]);
  renderWithProviders(<WebhooksList />);
  await screen.findByRole('heading', { name: webhook.url });
  return screen.getByTestId('webhook-card');
}

/** The last event delivery: answered `at` that time with `status`. */
function lastDelivery(at: string, status = 200): Partial<Webhook> {
  return {
    last_delivery_at: at,
    last_delivery_status_code: status,
    last_delivery_error: null,
    last_delivery_ok: status < 300,
  };
}

describe("a webhook card's delivery health", () => {
  it('says since when a failing endpoint fails and what follows, naming no time limit (the API gives none)', async () => {
    // Slow too: failing says more.
    await showCard({ failing_since: FAILED, slow_since: CREATED, ...lastDelivery('2025-01-02T09:00:00Z', 500) });
    const health = screen.getByTestId('webhook-health');
    expect(health).toHaveTextContent(
      `Failing since ${formatDateTime(FAILED)} · deliveries go one at a time; disabled automatically if it keeps failing`,
    );
    expect(health.querySelector('time')).toHaveAttribute('datetime', FAILED);
  });

  it('says since when a slow endpoint is slow, from an answer logged as it was marked', async () => {
    const slowAnswer = '2025-01-02T08:30:00.123456Z';
    await showCard({ slow_since: slowAnswer, ...lastDelivery(slowAnswer) });
    expect(screen.getByTestId('webhook-health')).toHaveTextContent(
      `Slow to answer since ${formatDateTime(slowAnswer)} · deliveries go one at a time`,
    );
  });

  it('says nothing for an endpoint that answers quickly', async () => {
    const card = await showCard({ failing_since: null, slow_since: null, ...lastDelivery(FAILED) });
    expect(card).toHaveTextContent('HTTP 200');
    expect(screen.queryByTestId('webhook-health')).toBeNull();
  });

  it('says nothing for a new endpoint, marked slow before anything was sent to it', async () => {
    const card = await showCard({ slow_since: CREATED });
    expect(card).toHaveTextContent('none yet');
    expect(screen.queryByTestId('webhook-health')).toBeNull();
  });

  it('says nothing for an endpoint given a new URL since its last delivery', async () => {
    await showCard({ slow_since: '2025-01-02T08:30:00.000002Z', ...lastDelivery('2025-01-02T08:30:00.000001Z') });
    expect(screen.queryByTestId('webhook-health')).toBeNull();
  });

  it('says nothing but why for an endpoint disabled automatically while failing', async () => {
    const card = await showCard({
      enabled: false,
      disabled_reason: 'the endpoint answered 410 Gone',
      failing_since: FAILED,
      ...lastDelivery(FAILED, 500),
    });
    expect(card).toHaveTextContent('Disabled automatically: the endpoint answered 410 Gone');
    expect(screen.queryByTestId('webhook-health')).toBeNull();
  });
});
