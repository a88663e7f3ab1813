import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { rebasedMessage } from '@/lib/rebased-values';
import { webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Webhook, WebhookUpdate } from '@/types/api';
import { apiErrorToFormErrors, rebaseValues, webhookToValues } from '../components/webhook-form';
import { WebhooksList } from '../components/webhooks-list';

const V1 = '2026-12-07T07:40:00.000001Z';
const V2 = '2026-12-07T07:41:00.000002Z';

/**
 * The API of one webhook, as the server keeps it: each change makes a new version, and a change
 * or delete naming an older one (`If-Match`) is refused with 412, changing nothing.
 */
function webhookApi(opened: Webhook) {
  let current: Webhook | null = opened;
  let versions = 0;
  let held: Promise<void> | undefined;
  const isCurrent = (headers: Headers) => !headers.has('If-Match') || headers.get('If-Match') === `"${current?.updated_at}"`;
  const changed = (data: WebhookUpdate) => {
    versions += 1;
    current = { ...current!, ...data, updated_at: `2026-12-07T07:5${versions}:00.00000${versions}Z` } as Webhook;
    return current;
  };
  const refused = { detail: 'The webhook has changed since this version was read (another edit, a secret rotation or an automatic disable): nothing was changed. Read it again and make the change on the current values.' };
  const path = `/api/v1/webhooks/${opened.id}`;
  const { calls } = mockFetch([
    { path: '/api/v1/webhooks', body: () => (current ? [current] : []) },
    { path, body: () => current },
    {
      method: 'PATCH',
      path,
      status: (_url, headers) => (isCurrent(headers) ? 200 : 412),
      body: async (_url: URL, headers: Headers) => {
        const data = calls.at(-1)!.body as WebhookUpdate;
        await held;
        return isCurrent(headers) ? changed(data) : refused;
      },
    },
    {
      method: 'DELETE',
      path,
      status: (_url, headers) => (isCurrent(headers) ? 204 : 412),
      body: (_url: URL, headers: Headers) => {
        if (!isCurrent(headers)) return refused;
        current = null;
        return undefined;
      },
    },
  ]);
  return {
    calls,
    current: () => current,
    /** A change saved in another tab. */
    changeElsewhere: (data: WebhookUpdate) => changed(data),
    /** Holds the answers to changes until the function returned is called. */
    holdChanges: () => {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return release;
    },
    sent: (method: string) => calls.filter((call) => call.method === method),
  };
}

describe('rebaseValues', () => {
  const started = webhookToValues(
    webhookFactory({ url: 'https://hooks.test/a', events: ['import.completed', 'import.failed', 'product.created'] }),
  );

  it("keeps each event this tab ticked or unticked, on top of the current list: the other tab's changes stay", () => {
    // The other tab unticked product.created and ticked product.deleted; this one unticked import.failed.
    const current = { ...started, events: ['import.completed' as const, 'import.failed' as const, 'product.deleted' as const] };
    const mine = { ...started, events: ['import.completed' as const, 'product.created' as const] };
    const rebased = rebaseValues(mine, started, current);
    expect(rebased.values.events).toEqual(['import.completed', 'product.deleted']);
    expect(rebased.changedElsewhere).toEqual(['events']);
    expect(rebasedMessage(rebased)).toBe(
      'Changed elsewhere: events. The current values are loaded with your changes on top; save when ready.',
    );
  });

  it('takes the other fields from the current values, and says which of the changed ones keep this tab\'s value', () => {
    const current = { ...started, url: 'https://hooks.test/b', enabled: false, description: 'Theirs' };
    const mine = { ...started, description: 'Mine' };
    const rebased = rebaseValues(mine, started, current);
    expect(rebased.values).toEqual({ ...current, description: 'Mine' });
    expect(rebasedMessage(rebased)).toBe(
      'Changed elsewhere: URL, enabled, description. Your value is kept for description: check it. The current values are loaded with your changes on top; save when ready.',
    );
  });
});

describe('apiErrorToFormErrors', () => {
  it('says a 412 means the webhook changed elsewhere since the dialog opened', () => {
    expect(apiErrorToFormErrors(new ApiError(412, 'The webhook has changed since this version was read.')).form).toMatch(
      /^This webhook was changed elsewhere .* since this dialog opened, so nothing was saved\./,
    );
  });
});

describe('editing a webhook from two tabs', () => {
  it('saves only on the version the dialog opened with (If-Match), and the next edit on the version saved', async () => {
    const api = webhookApi(webhookFactory({ id: 7, url: 'https://hooks.test/seven', updated_at: V1 }));
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Edit/ }));
    let dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    await user.type(within(dialog).getByLabelText('Description'), 'First');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Webhook saved.')).toBeInTheDocument();
    const saved = api.current()!.updated_at;

    await user.click(screen.getByRole('button', { name: /^Edit/ }));
    dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    await user.type(within(dialog).getByLabelText('Description'), ' and second');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(api.sent('PATCH')).toHaveLength(2));
    expect(api.sent('PATCH').map((call) => [call.body, call.headers])).toEqual([
      [{ description: 'First' }, { 'if-match': `"${V1}"` }],
      [{ description: 'First and second' }, { 'if-match': `"${saved}"` }],
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it("on 412 keeps the edits, and 'Load current values' puts them on top of the other tab's: both changes are saved", async () => {
    const api = webhookApi(
      webhookFactory({
        id: 7,
        url: 'https://hooks.test/seven',
        events: ['import.completed', 'import.failed', 'product.created'],
        updated_at: V1,
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Edit/ }));
    const dialog = screen.getByRole('dialog', { name: 'Edit webhook' });
    const box = (event: RegExp) => within(dialog).getByRole('checkbox', { name: event });

    // Tab A unticks product.created and saves; then this tab (B) unticks import.failed and saves.
    api.changeElsewhere({ events: ['import.completed', 'import.failed'] });
    await user.click(box(/import\.failed/));
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(/changed elsewhere .* since this dialog opened/);
    expect(alert).toHaveTextContent('Load the current values: your changes stay on top of them.');
    expect(api.sent('PATCH')[0]).toMatchObject({
      body: { events: ['import.completed', 'product.created'] },
      headers: { 'if-match': `"${V1}"` },
    });
    // Nothing was saved over the other tab's change, and this tab's edit is still in the form.
    expect(api.current()!.events).toEqual(['import.completed', 'import.failed']);
    expect(box(/import\.failed/)).not.toBeChecked();
    expect(box(/product\.created/)).toBeChecked();

    await user.click(within(alert).getByRole('button', { name: 'Load current values' }));
    await waitFor(() => expect(box(/product\.created/)).not.toBeChecked());
    expect(box(/import\.failed/)).not.toBeChecked();
    expect(box(/import\.completed/)).toBeChecked();
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(within(dialog).getByRole('status')).toHaveTextContent(
      'Changed elsewhere: events. The current values are loaded with your changes on top; save when ready.',
    );
    // The button pressed is gone: the focus goes on in the first field.
    expect(within(dialog).getByLabelText(/Endpoint URL/)).toHaveFocus();

    const current = api.current()!.updated_at;
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Webhook saved.')).toBeInTheDocument();
    expect(api.sent('PATCH')[1]).toMatchObject({ body: { events: ['import.completed'] }, headers: { 'if-match': `"${current}"` } });
    expect(api.current()!.events).toEqual(['import.completed']);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('sends only enabled, without If-Match, when the Enabled switch is pressed', async () => {
    const api = webhookApi(webhookFactory({ id: 7, url: 'https://hooks.test/seven', enabled: true, updated_at: V1 }));
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('switch', { name: /^Enabled/ }));
    expect(await screen.findByText('Webhook disabled.')).toBeInTheDocument();
    expect(api.sent('PATCH').map((call) => [call.body, call.headers])).toEqual([[{ enabled: false }, {}]]);
  });
});

describe('deleting a webhook', () => {
  const confirmDelete = async (user: ReturnType<typeof userEvent.setup>) =>
    user.click(
      within(screen.getByRole('alertdialog', { name: 'Delete webhook?' })).getByRole('button', { name: 'Delete webhook' }),
    );

  it('deletes only the version the card showed (If-Match): one changed since is kept, said so, and the list fetched again', async () => {
    const api = webhookApi(webhookFactory({ id: 7, url: 'https://hooks.test/seven', description: null, updated_at: V1 }));
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    await user.click(await screen.findByRole('button', { name: /^Delete/ }));
    // Changed in another tab while the confirmation is open.
    api.changeElsewhere({ description: 'Renamed elsewhere' });
    await confirmDelete(user);

    expect(
      await screen.findByText(
        'The webhook was not deleted: it was changed elsewhere since this page showed it. Check it and delete it again if need be.',
      ),
    ).toBeInTheDocument();
    expect(api.sent('DELETE').map((call) => call.headers)).toEqual([{ 'if-match': `"${V1}"` }]);
    expect(api.current()).not.toBeNull();
    // The card shows the webhook as it is now.
    expect(await screen.findByText('Renamed elsewhere')).toBeInTheDocument();
    expect(screen.queryByText('Webhook deleted.')).toBeNull();
  });

  it('deletes the version its own Enabled switch saved after Delete was clicked: no "changed elsewhere"', async () => {
    const api = webhookApi(webhookFactory({ id: 7, url: 'https://hooks.test/seven', enabled: true, updated_at: V2 }));
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const release = api.holdChanges();
    await user.click(await screen.findByRole('switch', { name: /^Enabled/ }));
    await user.click(screen.getByRole('button', { name: /^Delete/ }));
    release();
    expect(await screen.findByText('Webhook disabled.')).toBeInTheDocument();
    const saved = api.current()!.updated_at;
    await confirmDelete(user);

    expect(await screen.findByText('Webhook deleted.')).toBeInTheDocument();
    expect(api.sent('DELETE').map((call) => call.headers)).toEqual([{ 'if-match': `"${saved}"` }]);
    expect(api.current()).toBeNull();
  });
});
