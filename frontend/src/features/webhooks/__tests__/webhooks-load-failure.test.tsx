import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders } from '@/testing/test-utils';
import { WebhooksList } from '../components/webhooks-list';

/** The webhooks API, away (the connection fails, after 1 s) while `away`. */
function webhooksApi() {
  const api = { away: true };
  const { calls } = mockFetch([
    {
      path: '/api/v1/webhooks',
      body: async () => {
        if (!api.away) return [webhookFactory({ url: 'https://hooks.test/orders' })];
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        throw new TypeError('Failed to fetch');
      },
    },
  ]);
  return { api, calls };
}

describe('WebhooksList after a failed load', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('keeps the failure on screen while the list is asked for again, not a spinner in its place', async () => {
    const { api, calls } = webhooksApi();
    renderWithProviders(<WebhooksList />);
    await advance(1_100);
    const failure = () => screen.getByText(/^Could not load webhooks: /);
    const alert = failure();
    expect(alert).toHaveRole('alert');
    expect(alert).toHaveTextContent(/^Could not load webhooks: The server could not be reached/);

    // The poll (5 s after the failure) takes 1 s to fail again: the failure stays meanwhile, the same alert
    // (one put on the page again would be read out again).
    const asked = calls.length;
    await advance(5_400);
    expect(calls.length).toBe(asked + 1);
    expect(screen.queryByRole('status', { name: 'Loading webhooks' })).toBeNull();
    expect(screen.queryByText('Loading webhooks')).toBeNull();
    expect(failure()).toBe(alert);
    expect(alert).toHaveTextContent(/^Could not load webhooks: /);

    await advance(1_000);
    expect(failure()).toBe(alert);

    api.away = false;
    await advance(5_000);
    expect(await screen.findByRole('list', { name: 'Webhooks' })).toHaveTextContent('https://hooks.test/orders');
    expect(screen.queryByText(/Could not load webhooks/)).toBeNull();
  });
});
