import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deliveryFactory, webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Webhook, WebhookTestResult } from '@/types/api';
import { WebhookDeliveriesModal } from '../components/webhook-deliveries-modal';
import { WebhooksList } from '../components/webhooks-list';

function testResult(overrides: Partial<WebhookTestResult> = {}): WebhookTestResult {
  return { ok: true, status_code: 200, latency_ms: 5, error: null, response_excerpt: '', ...overrides };
}

describe('WebhookCard', () => {
  it('is a level-2 heading under the page heading (no level skipped)', async () => {
    mockFetch([{ path: '/api/v1/webhooks', body: [webhookFactory({ url: 'https://hooks.test/level' })] }]);
    renderWithProviders(<WebhooksList />);
    expect(await screen.findByRole('heading', { name: 'https://hooks.test/level' })).toHaveProperty('tagName', 'H2');
  });

  it('says on the card, to the eye and to screen readers, that a disabled endpoint is off', async () => {
    mockFetch([
      {
        path: '/api/v1/webhooks',
        body: [
          webhookFactory({ url: 'https://hooks.test/on' }),
          webhookFactory({ url: 'https://hooks.test/off', enabled: false }),
        ],
      },
    ]);
    renderWithProviders(<WebhooksList />);
    const [on, off] = await screen.findAllByTestId('webhook-card');
    expect(within(on).queryByText('Disabled')).toBeNull();
    const badge = within(off).getByText('Disabled');
    expect(badge).toBeVisible();
    expect(badge.closest('[aria-hidden="true"]')).toBeNull();
    expect(off).toHaveAccessibleDescription('Disabled');
    // The heading and the switch keep their names.
    expect(within(off).getByRole('heading', { name: 'https://hooks.test/off' })).toBeInTheDocument();
    expect(within(off).getByRole('switch', { name: 'Enabled https://hooks.test/off' })).not.toBeChecked();
  });

  it('drops a test result once the URL it was about is edited', async () => {
    let webhook: Webhook = webhookFactory({ id: 7, url: 'https://hooks.test/old' });
    mockFetch([
      { path: '/api/v1/webhooks', body: () => [webhook] },
      { method: 'POST', path: '/api/v1/webhooks/7/test', body: testResult() },
      { method: 'PATCH', path: '/api/v1/webhooks/7', body: () => (webhook = { ...webhook, url: 'https://hooks.test/new' }) },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Test/ }));
    expect(await screen.findByTestId('webhook-test-result')).toHaveTextContent('Test succeeded');

    await user.click(screen.getByRole('button', { name: /^Edit/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    const url = within(dialog).getByLabelText(/Endpoint URL/);
    await user.clear(url);
    await user.type(url, 'https://hooks.test/new');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Webhook saved.');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'https://hooks.test/new' })).toBeInTheDocument());
    // "Test succeeded" was about https://hooks.test/old: the new URL has not been tested.
    expect(screen.queryByTestId('webhook-test-result')).toBeNull();

    await user.click(screen.getByRole('button', { name: /^Test/ }));
    expect(await screen.findByTestId('webhook-test-result')).toHaveTextContent('Test succeeded');
  });

  it("shows the start of the receiver's answer under a test result, as text", async () => {
    const answer = '<h1>Forbidden</h1>\n<p>bad signature</p>';
    mockFetch([
      { path: '/api/v1/webhooks', body: [webhookFactory({ id: 5 })] },
      {
        method: 'POST',
        path: '/api/v1/webhooks/5/test',
        body: testResult({ ok: false, status_code: 403, error: 'HTTP 403 Forbidden', response_excerpt: answer }),
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Test/ }));
    const excerpt = await screen.findByTestId('response-excerpt');
    await user.click(within(excerpt).getByText('Response body'));
    expect(excerpt).toHaveProperty('open', true);
    expect(excerpt.querySelector('pre')?.textContent).toBe(answer);
    expect(excerpt.querySelector('h1')).toBeNull();
  });
});

describe('a webhook URL with a password in it', () => {
  const url = 'http://user:s3cret@hooks.test/path?x=1';
  const masked = 'http://user:•••@hooks.test/path?x=1';

  it('is shown with the password hidden on the card, and as it is in the edit form', async () => {
    mockFetch([{ path: '/api/v1/webhooks', body: [webhookFactory({ url })] }]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const card = (await screen.findByRole('heading', { name: masked })).closest('li')!;
    expect(card).not.toHaveTextContent('s3cret');
    expect(within(card).getByRole('switch', { name: `Enabled ${masked}` })).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: /^Delete/ }));
    const question = screen.getByRole('alertdialog', { name: 'Delete webhook?' });
    expect(question).toHaveTextContent(masked);
    expect(question).not.toHaveTextContent('s3cret');
    await user.click(within(question).getByRole('button', { name: 'Cancel' }));

    await user.click(within(card).getByRole('button', { name: /^Edit/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    expect(within(dialog).getByLabelText(/Endpoint URL/)).toHaveValue(url);
  });

  it('is shown with the password hidden in the delivery log', async () => {
    const webhook = webhookFactory({ id: 8, url });
    mockFetch([{ path: '/api/v1/webhooks/8/deliveries', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Delivery log' });
    expect(dialog).toHaveAccessibleDescription(masked);
    expect(within(dialog).getByRole('table', { name: `Deliveries to ${masked}` })).toBeInTheDocument();
    expect(dialog).not.toHaveTextContent('s3cret');
  });
});

describe('the delivery log', () => {
  it("shows the start of each answer in the row's result, folded, and says when it was cut", async () => {
    const webhook = webhookFactory({ id: 6 });
    const long = `${'x'.repeat(1023)}…`; // over 1 KB in UTF-8: the API kept its first KB
    mockFetch([
      {
        path: '/api/v1/webhooks/6/deliveries',
        body: {
          items: [
            deliveryFactory({ id: 63, webhook_id: 6, status_code: 500, ok: false, response_excerpt: long }),
            deliveryFactory({ id: 62, webhook_id: 6, response_excerpt: '{"received": true}' }),
            deliveryFactory({ id: 61, webhook_id: 6, response_excerpt: null }),
          ],
          total: 3,
          page: 1,
          page_size: 20,
        },
      },
    ]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    await screen.findAllByTestId('delivery-event-id');
    const [cut, whole, none] = screen.getAllByRole('row').slice(1);
    expect(within(cut).getByTestId('response-excerpt')).toHaveTextContent(/^Response body \(first 1 KB\)x{1023}…$/);
    expect(within(whole).getByTestId('response-excerpt')).toHaveTextContent(/^Response body\{"received": true\}$/);
    expect(within(none).queryByTestId('response-excerpt')).toBeNull();
  });
});
