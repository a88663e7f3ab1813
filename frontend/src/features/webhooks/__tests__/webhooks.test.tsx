import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import { formatDateTimeWithSeconds } from '@/lib/format';
import { deliveryFactory, webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Redelivery } from '@/types/api';
import { describeOutcome } from '../components/delivery-status';
import { WebhookDeliveriesModal } from '../components/webhook-deliveries-modal';
import { apiErrorToFormErrors, validateWebhook, webhookChanges, webhookToValues } from '../components/webhook-form';
import { WebhookFormModal } from '../components/webhook-form-modal';
import { WebhooksList } from '../components/webhooks-list';

describe('validateWebhook', () => {
  it('wants an http(s) URL and at least one event', () => {
    expect(validateWebhook({ url: 'ftp://x', events: [], otherEvents: [], enabled: true, description: '' })).toEqual({
      url: 'Enter a full http:// or https:// URL.',
      events: 'Choose at least one event.',
    });
    expect(validateWebhook({ url: 'http://127.0.0.1:9000/hook', events: ['import.failed'], otherEvents: [], enabled: true, description: '' })).toEqual({});
  });

  it("keeps to the API's limits on the URL and the description, in plain words", () => {
    const values = { url: `https://hooks.test/${'a'.repeat(2048)}`, events: ['import.failed' as const], otherEvents: [], enabled: true, description: 'é'.repeat(1001) };
    expect(validateWebhook(values)).toEqual({
      url: 'The URL can have at most 2,048 characters.',
      description: 'The description can have at most 1,000 characters.',
    });
    // Characters, as the API counts them: 1,000 accented letters are fine.
    expect(validateWebhook({ ...values, url: 'https://hooks.test/x', description: 'é'.repeat(1000) })).toEqual({});
  });

  it('maps API field errors', () => {
    const error = new ApiError(422, [{ loc: ['body', 'events', 0], msg: 'unknown event', type: 'x' }]);
    expect(apiErrorToFormErrors(error)).toEqual({ form: 'Unknown event' });
    expect(apiErrorToFormErrors(new ApiError(422, [{ loc: ['body', 'url'], msg: 'bad url', type: 'x' }]))).toEqual({
      url: 'Bad url',
    });
  });
});

describe('webhookChanges', () => {
  it('sends back the events this UI does not know (a newer API than the bundle) with the ones it does', () => {
    const original = webhookToValues(webhookFactory({ events: ['import.completed', 'import.failed', 'import.paused'] }));
    expect(original.events).toEqual(['import.completed', 'import.failed']);
    expect(webhookChanges({ ...original, events: ['import.failed'] }, original)).toEqual({
      events: ['import.failed', 'import.paused'],
    });
    expect(webhookChanges({ ...original, description: 'x' }, original)).toEqual({ description: 'x' });
  });

  it('takes a webhook with only unknown events as having events', () => {
    const values = webhookToValues(webhookFactory({ url: 'https://hooks.test/x', events: ['import.paused'] }));
    expect(validateWebhook(values)).toEqual({});
  });
});

describe('describeOutcome', () => {
  it('names the status and latency, or why there was no answer', () => {
    expect(describeOutcome({ status_code: 200, latency_ms: 12.4, error: null })).toBe('HTTP 200 · 12 ms');
    expect(describeOutcome({ status_code: null, latency_ms: null, error: 'connection refused' })).toBe(
      'Connection refused',
    );
    expect(describeOutcome({ status_code: null, latency_ms: null, error: null })).toBe('No answer');
  });

  it("says each kind of failure once, in the API's words", () => {
    const noAnswer = (error: string) => describeOutcome({ status_code: null, latency_ms: 10_002, error });
    expect(noAnswer('timeout: no answer within 10 s')).toBe('Timeout: no answer within 10 s · 10,002 ms');
    expect(noAnswer('DNS failure: hooks.invalid')).toBe('DNS failure: hooks.invalid · 10,002 ms');
    expect(noAnswer('blocked target: 10.0.0.1 is private')).toBe('Blocked target: 10.0.0.1 is private · 10,002 ms');
    expect(describeOutcome({ status_code: 500, latency_ms: 30, error: 'HTTP 500 Internal Server Error' })).toBe(
      'HTTP 500 Internal Server Error · 30 ms',
    );
    expect(
      describeOutcome({ status_code: 302, latency_ms: 5, error: 'redirect (302) to /elsewhere was not followed' }),
    ).toBe('HTTP 302 · 5 ms · redirect (302) to /elsewhere was not followed');
  });
});

describe('WebhookFormModal', () => {
  it('validates before sending', async () => {
    const { calls } = mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/endpoint url/i), 'not a url');
    await user.click(screen.getByRole('checkbox', { name: /import\.completed/ }));
    await user.click(screen.getByRole('checkbox', { name: /import\.failed/ }));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    expect(screen.getByText('Enter a full http:// or https:// URL.')).toBeInTheDocument();
    expect(screen.getByText('Choose at least one event.')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('with no event ticked, marks the events at fault and moves the keyboard focus to them', async () => {
    const { calls } = mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open onClose={() => undefined} />);
    await user.type(screen.getByLabelText(/endpoint url/i), 'https://hooks.test/x');
    await user.click(screen.getByRole('checkbox', { name: /import\.completed/ }));
    await user.click(screen.getByRole('checkbox', { name: /import\.failed/ }));
    await user.click(screen.getByRole('button', { name: 'Add webhook' }));
    const first = screen.getByRole('checkbox', { name: /import\.completed/ });
    await waitFor(() => expect(first).toHaveFocus());
    expect(first).toHaveAttribute('aria-invalid', 'true');
    expect(first).toHaveAccessibleDescription('Choose at least one event.');
    expect(calls).toHaveLength(0);
  });
});

describe('WebhookFormModal refused for several fields', () => {
  it('tells a screen reader each field at fault once, a group of boxes by its legend', async () => {
    mockFetch([]);
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open onClose={() => undefined} />);
    const dialog = screen.getByRole('dialog', { name: 'Add webhook' });
    const url = within(dialog).getByLabelText(/endpoint url/i);
    await user.type(url, 'not a url');
    await user.click(within(dialog).getByRole('checkbox', { name: /import\.completed/ }));
    await user.click(within(dialog).getByRole('checkbox', { name: /import\.failed/ }));
    // Submitted while the focus is in the URL. (A click on the button would move the focus to it.)
    await user.click(url);
    act(() => within(dialog).getByRole('button', { name: 'Add webhook' }).click());
    const summary = within(dialog).getByTestId('field-error-summary');
    await waitFor(() =>
      expect(summary).toHaveTextContent(
        /^2 fields need attention: Endpoint URL, Events\.$/,
      ),
    );
    expect(summary).toHaveAttribute('aria-live', 'polite');
    expect(url).toHaveFocus();
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription('Enter a full http:// or https:// URL.');
  });
});

describe('WebhookFormModal editing', () => {
  const webhook = webhookFactory({
    id: 21,
    url: 'https://hooks.test/orders',
    events: ['import.completed', 'import.failed'],
    enabled: true,
    description: null,
  });

  it('sends only the fields changed: an endpoint disabled meanwhile is not enabled again, an unchanged URL not checked again', async () => {
    const { calls } = mockFetch([
      { method: 'PATCH', path: '/api/v1/webhooks/21', body: { ...webhook, enabled: false, description: 'Orders' } },
    ]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open webhook={webhook} onClose={onClose} />);
    await user.type(screen.getByRole('textbox', { name: 'Description' }), ' Orders ');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Webhook saved.')).toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([{ description: 'Orders' }]);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('sends nothing when nothing changed, events ticked off and on again included, and closes', async () => {
    const { calls } = mockFetch([]);
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<WebhookFormModal open webhook={webhook} onClose={onClose} />);
    await user.click(screen.getByRole('checkbox', { name: /import\.completed/ }));
    await user.click(screen.getByRole('checkbox', { name: /import\.completed/ }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('No changes to save.')).toBeInTheDocument();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(0);
  });
});

describe('WebhooksList', () => {
  it("names each card's enable switch by the label shown beside it, then by its webhook, on or off", async () => {
    const on = webhookFactory({ url: 'https://hooks.test/orders' });
    const off = webhookFactory({ url: 'https://hooks.test/stock', enabled: false });
    mockFetch([{ path: '/api/v1/webhooks', body: [on, off] }]);
    renderWithProviders(<WebhooksList />);
    expect(await screen.findByRole('switch', { name: 'Enabled https://hooks.test/orders' })).toBeChecked();
    // The state is the switch's to tell ("Enabled, switch, off"): a name that followed it would say
    // it twice. What is seen is what is said: speech input users say "Enabled" to reach it.
    const offSwitch = screen.getByRole('switch', { name: 'Enabled https://hooks.test/stock' });
    expect(offSwitch).not.toBeChecked();
    expect(within(offSwitch).getByText('Enabled')).toBeVisible();
  });

  it("gives the keyboard focus, after a delete, to the next card's Delete, else the previous card's, else the heading", async () => {
    let webhooks = ['a', 'b', 'c'].map((name, index) => webhookFactory({ id: 80 + index, url: `https://hooks.test/${name}` }));
    mockFetch([
      { path: '/api/v1/webhooks', body: () => webhooks },
      {
        method: 'DELETE',
        path: /^\/api\/v1\/webhooks\/\d+$/,
        status: 204,
        body: (url: URL) => {
          webhooks = webhooks.filter((webhook) => url.pathname !== `/api/v1/webhooks/${webhook.id}`);
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(
      <main>
        <h1 tabIndex={-1}>Webhooks</h1>
        <WebhooksList />
      </main>,
    );
    // jsdom joins the label and its screen-reader-only part without the space.
    const deleteName = (url: string) => new RegExp(`^Delete ?${url}$`);
    const deleteButton = (url: string) => screen.queryByRole('button', { name: deleteName(url) });
    async function deleteWithKeyboard(url: string) {
      (await screen.findByRole('button', { name: deleteName(url) })).focus();
      await user.keyboard('{Enter}');
      await user.tab();
      await user.keyboard('{Enter}');
      // The list is fetched again, without the card: the focus stays where it went.
      await waitFor(() => expect(deleteButton(url)).toBeNull());
    }

    await deleteWithKeyboard('https://hooks.test/a');
    expect(deleteButton('https://hooks.test/b')).toHaveFocus();
    await deleteWithKeyboard('https://hooks.test/c');
    expect(deleteButton('https://hooks.test/b')).toHaveFocus();
    await deleteWithKeyboard('https://hooks.test/b');
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Webhooks' })).toHaveFocus();
  });

  it('deletes once however fast "Delete webhook" is pressed twice, and takes one deleted elsewhere as deleted', async () => {
    let webhooks = [webhookFactory({ id: 90, url: 'https://hooks.test/twice' })];
    let deletes = 0;
    mockFetch([
      { path: '/api/v1/webhooks', body: () => webhooks },
      {
        method: 'DELETE',
        path: '/api/v1/webhooks/90',
        // The first delete succeeds; any later one finds nothing.
        status: () => (++deletes === 1 ? 204 : 404),
        body: () => {
          webhooks = [];
          return { detail: 'webhook 90 not found' };
        },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Delete ?https:\/\/hooks\.test\/twice$/ }));
    const confirm = within(screen.getByRole('alertdialog', { name: 'Delete webhook?' })).getByRole('button', {
      name: 'Delete webhook',
    });
    // A double click: the second press comes before the page has shown the first is running.
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    expect(deletes).toBe(1);
    expect(screen.queryAllByTestId('toast').map((toast) => toast.textContent)).toEqual(['Webhook deleted.×']);
  });

  it('says a webhook deleted elsewhere had already been deleted, without an error', async () => {
    let webhooks = [webhookFactory({ id: 91, url: 'https://hooks.test/gone' })];
    mockFetch([
      { path: '/api/v1/webhooks', body: () => webhooks },
      { method: 'DELETE', path: '/api/v1/webhooks/91', status: 404, body: { detail: 'webhook 91 not found' } },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Delete ?https:\/\/hooks\.test\/gone$/ }));
    webhooks = [];
    await user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete webhook?' })).getByRole('button', { name: 'Delete webhook' }),
    );
    expect(await screen.findByText('The webhook had already been deleted.')).toBeInTheDocument();
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    expect(screen.queryAllByTestId('toast').filter((toast) => toast.dataset.kind === 'error')).toEqual([]);
  });

  it("shows each endpoint's last delivery as the API judged it", async () => {
    mockFetch([
      {
        path: '/api/v1/webhooks',
        body: [
          webhookFactory({
            id: 11,
            url: 'https://hooks.test/ok',
            last_delivery_at: '2025-01-01T10:00:00Z',
            last_delivery_status_code: 204,
            last_delivery_ok: true,
          }),
          webhookFactory({
            id: 12,
            url: 'https://hooks.test/moved',
            last_delivery_at: '2025-01-01T10:00:00Z',
            last_delivery_status_code: 302,
            last_delivery_error: 'redirect (302) to /elsewhere was not followed',
            last_delivery_ok: false,
          }),
        ],
      },
    ]);
    renderWithProviders(<WebhooksList />);
    const [ok, moved] = await screen.findAllByTestId('webhook-card');
    expect(ok).toHaveTextContent('Last event delivery:✓HTTP 204');
    expect(moved).toHaveTextContent('Last event delivery:✕HTTP 302 · redirect (302) to /elsewhere was not followed');
  });

  it('says once why a test send got no answer', async () => {
    const webhook = webhookFactory({ id: 4, url: 'http://127.0.0.1:9/slow' });
    mockFetch([
      { path: '/api/v1/webhooks', body: [webhook] },
      {
        method: 'POST',
        path: '/api/v1/webhooks/4/test',
        body: { ok: false, status_code: null, latency_ms: 10_002, error: 'timeout: no answer within 10 s', response_excerpt: '' },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^test/i }));
    expect(await screen.findByTestId('webhook-test-result')).toHaveTextContent(
      /^Test failed: Timeout: no answer within 10 s · 10,002 ms$/,
    );
  });

  it('tests a webhook and shows the status code and response time; reveals the secret', async () => {
    const webhook = webhookFactory({ id: 3, url: 'http://127.0.0.1:9/hook', secret: 'whsec_visible' });
    mockFetch([
      { path: '/api/v1/webhooks', body: [webhook] },
      {
        method: 'POST',
        path: '/api/v1/webhooks/3/test',
        body: { ok: true, status_code: 204, latency_ms: 8.6, error: null, response_excerpt: '' },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const card = await screen.findByTestId('webhook-card');
    expect(await within(card).findByText('none yet')).toBeInTheDocument();
    const secret = within(card).getByTestId('webhook-secret');
    expect(secret).not.toHaveTextContent('whsec_visible');
    // Hidden, it is named in words for screen readers (a <code> takes no aria-label); the
    // bullets are for the eyes only.
    expect(secret).not.toHaveAttribute('aria-label');
    const words = within(secret).getByText('Signing secret for http://127.0.0.1:9/hook (hidden)');
    expect(words).toHaveClass('sr-only');
    expect(within(secret).getByText('•'.repeat(16))).toHaveAttribute('aria-hidden', 'true');
    await user.click(within(card).getByRole('button', { name: /reveal/i }));
    expect(secret).toHaveTextContent(/^whsec_visible$/);
    await user.click(within(card).getByRole('button', { name: /^test/i }));
    expect(await within(card).findByTestId('webhook-test-result')).toHaveTextContent(
      'Test succeeded: HTTP 204 · 9 ms',
    );
  });
});

describe('WebhookDeliveriesModal', () => {
  it('keeps Redeliver focusable while the redelivery is queued, and queues one however often it is pressed', async () => {
    const webhook = webhookFactory({ id: 4 });
    const delivery = deliveryFactory({ id: 41, webhook_id: 4, event_id: 'evt-41', event_type: 'import.completed', latency_ms: 12 });
    let answer!: (queued: unknown) => void;
    const { calls } = mockFetch([
      { path: '/api/v1/webhooks/4/deliveries', body: { items: [delivery], total: 1, page: 1, page_size: 20 } },
      {
        method: 'POST',
        path: '/api/v1/webhooks/deliveries/41/redeliver',
        status: 202,
        body: () => new Promise((resolve) => (answer = resolve)),
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    // One button per row, whatever the screen's width (CSS moves it).
    const redeliver = await screen.findByRole('button', { name: /^Redeliver/ });
    await user.click(redeliver);
    await waitFor(() => expect(redeliver).toHaveAttribute('aria-busy', 'true'));
    // Not disabled: a disabled button would drop the keyboard focus to the page.
    expect(redeliver).toBeEnabled();
    expect(redeliver).toHaveAttribute('aria-disabled', 'true');
    await user.click(redeliver);
    answer({ delivery_id: 42, webhook_id: 4, event_id: 'evt-41', status: 'queued' } satisfies Redelivery);
    expect(await screen.findByText('Redelivery of import.completed queued.')).toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(1);
  });

  it('offers no Redeliver for a test send, which the API never redelivers', async () => {
    const webhook = webhookFactory({ id: 5 });
    const delivery = (id: number, event_type: string) =>
      deliveryFactory({ id, webhook_id: 5, event_id: `evt-${id}`, event_type });
    mockFetch([
      {
        path: '/api/v1/webhooks/5/deliveries',
        body: { items: [delivery(51, 'webhook.test'), delivery(52, 'product.created')], total: 2, page: 1, page_size: 20 },
      },
    ]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    const buttons = await screen.findAllByRole('button', { name: /^Redeliver/ });
    expect(buttons.map((button) => button.textContent)).toEqual(['Redeliver product.created attempt 1']);
  });

  it('focuses Close on opening, not the pager at the bottom', async () => {
    const webhook = webhookFactory({ id: 7 });
    mockFetch([{ path: '/api/v1/webhooks/7/deliveries', body: { items: [], total: 0, page: 1, page_size: 20 } }]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
    expect(await screen.findByText(/No deliveries yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
  });

  it('shows the attempt on a phone too, the times to the second, and a retry made as made, not due', async () => {
    const webhook = webhookFactory({ id: 8 });
    const attempt = (id: number, number: number, next_retry_at: string | null) =>
      deliveryFactory({
        id,
        webhook_id: 8,
        event_id: 'msg_retried',
        event_type: 'product.updated',
        attempt: number,
        status_code: 500,
        error: 'HTTP 500 Internal Server Error',
        created_at: `2025-01-01T10:00:${String(number * 5).padStart(2, '0')}Z`,
        next_retry_at,
        ok: false,
      });
    const later = new Date(Date.now() + 3_600_000).toISOString();
    mockFetch([
      {
        path: '/api/v1/webhooks/8/deliveries',
        body: {
          items: [attempt(82, 2, later), attempt(81, 1, '2025-01-01T10:00:10Z')],
          total: 2,
          page: 1,
          page_size: 20,
        },
      },
    ]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    await screen.findAllByTestId('delivery-event-id');
    const rows = screen.getAllByRole('row').slice(1);
    const [retry, first] = rows.map((row) => within(row).getAllByRole('cell'));
    // The first cell: the time, then (for a phone, where the other columns are hidden) event and attempt.
    const at = (value: string) => formatDateTimeWithSeconds(value);
    expect(retry[0]).toHaveTextContent(`${at('2025-01-01T10:00:10Z')}product.updated · attempt 2`);
    expect(first[0]).toHaveTextContent(`${at('2025-01-01T10:00:05Z')}product.updated · attempt 1`);
    expect(retry[3]).toHaveTextContent(`Next retry ${at(later)}`);
    expect(first[3]).toHaveTextContent(`Retried ${at('2025-01-01T10:00:10Z')}`);
    expect(first[3]).not.toHaveTextContent('Next retry');
    expect(first[3]).not.toHaveTextContent('Retry due');
  });

  it("shows each attempt's event id, which the receiver gets as the webhook-id header", async () => {
    const webhook = webhookFactory({ id: 6 });
    const delivery = deliveryFactory({
      id: 61,
      webhook_id: 6,
      event_id: 'msg_2f1c0a9e',
      event_type: 'product.updated',
      attempt: 2,
      status_code: 500,
      ok: false,
    });
    mockFetch([{ path: '/api/v1/webhooks/6/deliveries', body: { items: [delivery], total: 1, page: 1, page_size: 20 } }]);
    renderWithProviders(<WebhookDeliveriesModal webhook={webhook} onClose={() => undefined} />);
    expect(await screen.findByTestId('delivery-event-id')).toHaveTextContent('msg_2f1c0a9e');
  });
});
