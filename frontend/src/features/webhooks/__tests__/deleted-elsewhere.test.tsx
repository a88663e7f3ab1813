import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import type { Webhook } from '@/types/api';
import { WebhooksList } from '../components/webhooks-list';

const GONE = { status: 404, body: { detail: 'webhook 9 not found' } };

/** A webhook (id 9) that `deleteElsewhere()` deletes, as another tab would (its PATCH and test
 * send answer 404 from then on), and, with `other`, one after it that stays. */
function webhookApi({ other = false } = {}) {
  const staying = other ? [webhookFactory({ id: 10, url: 'https://hooks.test/stays' })] : [];
  let webhooks: Webhook[] = [webhookFactory({ id: 9, url: 'https://hooks.test/gone' }), ...staying];
  const exists = () => webhooks.some((webhook) => webhook.id === 9);
  const { calls } = mockFetch([
    { path: '/api/v1/webhooks', body: () => webhooks },
    {
      path: '/api/v1/webhooks/9/deliveries',
      status: () => (exists() ? 200 : 404),
      body: () => (exists() ? { items: [], total: 0, page: 1, page_size: 20 } : GONE.body),
    },
    { method: 'PATCH', path: '/api/v1/webhooks/9', ...GONE },
    { method: 'POST', path: '/api/v1/webhooks/9/test', ...GONE },
  ]);
  return {
    deleteElsewhere: () => (webhooks = staying),
    listGets: () => calls.filter((call) => call.method === 'GET' && call.url === '/api/v1/webhooks').length,
    deliveryGets: () => calls.filter((call) => call.url.includes('/deliveries')).length,
    patches: () => calls.filter((call) => call.method === 'PATCH').length,
  };
}

describe('a webhook deleted elsewhere', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('its open delivery log says so once the API answers 404, stops asking, and the card goes', async () => {
    const api = webhookApi();
    const user = setupUserOnFakeClock();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Delivery log/ }));
    const log = screen.getByRole('dialog', { name: 'Delivery log' });
    await within(log).findByText(/No deliveries yet/);

    api.deleteElsewhere();
    await advance(3_000);
    expect(await within(log).findByText('This webhook no longer exists: it was deleted elsewhere.')).toBeInTheDocument();
    expect(within(log).queryByText(/webhook 9 not found/)).toBeNull();
    // The list is asked again at once (not at its next poll): the card goes.
    expect(screen.getByText(/No webhooks yet/)).toBeInTheDocument();

    const asked = api.deliveryGets();
    await advance(60_000);
    expect(api.deliveryGets()).toBe(asked);
  });

  it('its edit dialog says so in plain words and the card goes, as for a product; closing it focuses the next Edit', async () => {
    const api = webhookApi({ other: true });
    const user = setupUserOnFakeClock();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Edit.*\/gone$/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    api.deleteElsewhere();
    const listed = api.listGets();
    await user.type(within(dialog).getByLabelText(/Description/), 'x');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^This webhook no longer exists: it was deleted elsewhere\.$/,
    );
    expect(within(dialog).getByLabelText(/Description/)).toBeDisabled();
    await advance(0);
    expect(api.listGets()).toBeGreaterThan(listed);
    expect(screen.queryByRole('heading', { name: 'https://hooks.test/gone' })).toBeNull();
    // The Edit button that opened the dialog has gone with its card. The footer's Close, below
    // the form (the dialog's corner has its own).
    await user.click(within(dialog).getAllByRole('button', { name: 'Close' }).at(-1)!);
    expect(screen.getByRole('button', { name: /^Edit.*\/stays$/ })).toHaveFocus();
  });

  it('its edit dialog offers no Save any more, only Close, as for a product', async () => {
    const api = webhookApi({ other: true });
    const user = setupUserOnFakeClock();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Edit.*\/gone$/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    api.deleteElsewhere();
    await user.type(within(dialog).getByLabelText(/Description/), 'x');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^This webhook no longer exists: it was deleted elsewhere\.$/,
    );
    expect(within(dialog).queryByRole('button', { name: 'Save changes' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).toBeNull();
    // The button pressed is gone: the keyboard focus goes to the one left, not to the page.
    const close = within(dialog).getAllByRole('button', { name: 'Close' }).at(-1);
    expect(close).toHaveFocus();
    // Typing on neither brings Save back nor hides why it went; Enter in a field saves nothing.
    await user.type(within(dialog).getByLabelText(/Description/), 'y{Enter}');
    expect(within(dialog).queryByRole('button', { name: 'Save changes' })).toBeNull();
    expect(within(dialog).getByRole('alert')).toHaveTextContent(/^This webhook no longer exists/);
    expect(api.patches()).toBe(1);
    await user.click(close!);
    expect(screen.queryByRole('dialog', { name: 'Edit webhook' })).toBeNull();
  });

  it("its switch says so in plain words and the card goes, the keyboard focus to the next card's switch", async () => {
    const api = webhookApi({ other: true });
    const user = setupUserOnFakeClock();
    renderWithProviders(<WebhooksList />);
    const toggle = await screen.findByRole('switch', { name: 'Enabled https://hooks.test/gone' });
    api.deleteElsewhere();
    await user.click(toggle);

    expect(
      await screen.findByText('The webhook for https://hooks.test/gone no longer exists: it was deleted elsewhere.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/webhook 9 not found/)).toBeNull();
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'https://hooks.test/gone' })).toBeNull());
    expect(screen.getByRole('switch', { name: 'Enabled https://hooks.test/stays' })).toHaveFocus();
  });

  it('its Test says so in plain words and the card goes, the keyboard focus to the heading when no card is left', async () => {
    const api = webhookApi();
    const user = setupUserOnFakeClock();
    renderWithProviders(
      <main>
        <h1 tabIndex={-1}>Webhooks</h1>
        <WebhooksList />
      </main>,
    );
    const test = await screen.findByRole('button', { name: /^Test/ });
    api.deleteElsewhere();
    await user.click(test);

    expect(
      await screen.findByText('The webhook for https://hooks.test/gone no longer exists: it was deleted elsewhere.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/webhook 9 not found/)).toBeNull();
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Webhooks' })).toHaveFocus();
  });
});
