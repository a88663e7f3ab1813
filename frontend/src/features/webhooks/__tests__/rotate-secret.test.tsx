import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDateTime } from '@/lib/format';
import { webhookFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Webhook } from '@/types/api';
import { WebhookCard } from '../components/webhook-card';
import { WebhooksList } from '../components/webhooks-list';

const OLD_SECRET = 'whsec_b2xkLW9sZC1vbGQtb2xkLW9sZC1vbGQtb2xkLW9sZA==';
const NEW_SECRET = 'whsec_bmV3LW5ldy1uZXctbmV3LW5ldy1uZXctbmV3LW5ldw==';

/** The API of one webhook (id 50) whose secret rotates: `answer` holds or fails the rotation. */
function rotatingApi(
  webhook: Webhook,
  answer: { status?: number; body?: (keep: number) => unknown } = {},
) {
  let current: Webhook | null = webhook;
  const { calls } = mockFetch([
    { path: '/api/v1/webhooks', body: () => (current ? [current] : []) },
    {
      method: 'POST',
      path: `/api/v1/webhooks/${webhook.id}/rotate-secret`,
      status: answer.status ?? 200,
      body: () => {
        const keep = (calls.at(-1)?.body as { keep_previous_seconds: number }).keep_previous_seconds;
        if (answer.body) return answer.body(keep);
        current = {
          ...webhook,
          secret: NEW_SECRET,
          previous_secret_expires_at: keep > 0 ? new Date(Date.now() + keep * 1000).toISOString() : null,
        };
        return current;
      },
    },
  ]);
  return {
    rotations: () => calls.filter((call) => call.method === 'POST').map((call) => call.body),
    deleteElsewhere: () => (current = null),
  };
}

// jsdom joins a button's label and its screen-reader-only part without the space.
const rotateName = /^Rotate secret ?for https:\/\/hooks\.test\/rotating$/;

async function openRotation(user: ReturnType<typeof userEvent.setup>) {
  const button = await screen.findByRole('button', { name: rotateName });
  button.focus();
  await user.keyboard('{Enter}');
  return { button, dialog: screen.getByRole('alertdialog', { name: 'Rotate signing secret?' }) };
}

describe('rotating a webhook secret', () => {
  const webhook = () => webhookFactory({ id: 50, url: 'https://hooks.test/rotating', secret: OLD_SECRET });

  it('explains the rotation, keeps the old secret 24 hours by default, then shows the new secret and until when the old one signs', async () => {
    const api = rotatingApi(webhook());
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const card = await screen.findByTestId('webhook-card');
    expect(within(card).queryByTestId('webhook-previous-secret')).toBeNull();

    const { button, dialog } = await openRotation(user);
    expect(dialog).toHaveAccessibleDescription(
      'Events to https://hooks.test/rotating will be signed with a new secret. For 24 hours each event is signed with both the old and the new secret, so the receiver can switch to the new one without missing an event. After that, only the new secret signs.',
    );
    const keep = within(dialog).getByRole('radio', { name: 'Keep it for 24 hours (recommended)' });
    expect(keep).toBeChecked();
    expect(keep).toHaveFocus();
    expect(within(dialog).getByRole('radio', { name: 'Stop it now' })).not.toBeChecked();

    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.rotations()).toEqual([{ keep_previous_seconds: 86_400 }]);
    // The new secret, shown in full (Copy copies it), and the focus back on the button.
    expect(within(card).getByTestId('webhook-secret')).toHaveTextContent(/^whsec_bmV3/);
    expect(within(card).getByRole('button', { name: /^Hide/ })).toHaveAttribute('aria-pressed', 'true');
    expect(button).toHaveFocus();
    const note = within(card).getByTestId('webhook-previous-secret');
    const until = note.querySelector('time')!.getAttribute('dateTime')!;
    expect(new Date(until).getTime() - Date.now()).toBeGreaterThan(86_000_000);
    expect(note).toHaveTextContent(`Old secret still signs until ${formatDateTime(until)}`);
    expect(screen.getByText(`Secret rotated: the new one is shown on the card. The old one still signs until ${formatDateTime(until)}.`)).toBeInTheDocument();
  });

  it('stops the old secret at once when asked', async () => {
    const api = rotatingApi(webhook());
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Stop it now' }));
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await screen.findByText('Secret rotated: the new one is shown on the card. The old one no longer signs.')).toBeInTheDocument();
    expect(api.rotations()).toEqual([{ keep_previous_seconds: 0 }]);
    expect(screen.getByTestId('webhook-secret')).toHaveTextContent(NEW_SECRET);
    expect(screen.queryByTestId('webhook-previous-secret')).toBeNull();
  });

  it('during a rotation under way offers only to stop both old secrets, as the API takes only that', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const api = rotatingApi({ ...webhook(), previous_secret_expires_at: until });
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(user);
    expect(within(dialog).queryByRole('radio', { name: /Keep it/ })).toBeNull();
    expect(within(dialog).getByRole('radio', { name: 'Stop it now' })).toBeChecked();
    expect(dialog).toHaveTextContent(`the secret replaced last time still signs until ${formatDateTime(until)}`);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.rotations()).toEqual([{ keep_previous_seconds: 0 }]);
  });

  it('says in the description that the old secrets stop at once while a rotation is under way', async () => {
    rotatingApi({ ...webhook(), previous_secret_expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(userEvent.setup());
    expect(dialog).toHaveAccessibleDescription(
      'Events to https://hooks.test/rotating will be signed with a new secret only: the old secrets stop signing at once.',
    );
  });

  it('on a 409 (a rotation under way the card did not show yet) stays open offering only to stop both old secrets', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    let refused = false;
    const { calls } = mockFetch([
      // The card's copy from before the other rotation; the list asked again after the 409 has it.
      { path: '/api/v1/webhooks', body: () => [{ ...webhook(), previous_secret_expires_at: refused ? until : null }] },
      {
        method: 'POST',
        path: '/api/v1/webhooks/50/rotate-secret',
        status: () => (refused ? 200 : ((refused = true), 409)),
        body: () => ({ ...webhook(), secret: NEW_SECRET, previous_secret_expires_at: null }),
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(user);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      `The server could not keep the old secret: it was rotated shortly before. A rotation is under way: the secret replaced last time still signs until ${formatDateTime(until)}.`,
    );
    expect(dialog).toBeInTheDocument();
    expect(within(dialog).queryByRole('radio', { name: /Keep it/ })).toBeNull();
    expect(within(dialog).getByRole('radio', { name: 'Stop it now' })).toBeChecked();
    expect(screen.queryAllByTestId('toast').filter((toast) => toast.dataset.kind === 'error')).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([
      { keep_previous_seconds: 86_400 },
      { keep_previous_seconds: 0 },
    ]);
  });

  it('on a 409 confirmed from the Keep choice, moves the keyboard focus to Stop it now as Keep goes away', async () => {
    rotatingApi(webhook(), { status: 409, body: () => ({ detail: 'a rotation is under way' }) });
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(user);
    expect(within(dialog).getByRole('radio', { name: /Keep it/ })).toHaveFocus();
    await user.keyboard('{Enter}');
    await within(dialog).findByRole('alert');
    expect(within(dialog).getByRole('radio', { name: 'Stop it now' })).toHaveFocus();
  });

  it('rotates once however fast Rotate is pressed twice, and keeps the focus on it meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const api = rotatingApi(webhook(), {
      body: async () => {
        await held;
        return { ...webhook(), secret: NEW_SECRET, previous_secret_expires_at: new Date(Date.now() + 86_400_000).toISOString() };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { dialog } = await openRotation(user);
    const rotate = within(dialog).getByRole('button', { name: 'Rotate secret' });
    rotate.focus();
    fireEvent.click(rotate);
    fireEvent.click(rotate);
    await waitFor(() => expect(rotate).toHaveAttribute('aria-busy', 'true'));
    expect(rotate).toHaveFocus();
    await user.keyboard('{Enter}');
    // Escape does not close it while the rotation runs.
    await user.keyboard('{Escape}');
    expect(dialog).toBeInTheDocument();
    release();
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.rotations()).toHaveLength(1);
  });

  it('takes a 404 as the webhook deleted elsewhere: says so, drops the card and moves the focus as a delete does', async () => {
    const api = rotatingApi(webhook(), { status: 404, body: () => ({ detail: 'webhook 50 not found' }) });
    const user = userEvent.setup();
    renderWithProviders(
      <main>
        <h1 tabIndex={-1}>Webhooks</h1>
        <WebhooksList />
      </main>,
    );
    const { dialog } = await openRotation(user);
    api.deleteElsewhere();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await screen.findByText('The webhook had been deleted: it has no secret to rotate.')).toBeInTheDocument();
    expect(await screen.findByText(/No webhooks yet/)).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Webhooks' })).toHaveFocus();
    expect(screen.queryAllByTestId('toast').filter((toast) => toast.dataset.kind === 'error')).toEqual([]);
  });

  it('says why a rotation failed, and keeps the secret it had', async () => {
    rotatingApi(webhook(), { status: 500, body: () => ({ detail: 'database unavailable' }) });
    const user = userEvent.setup();
    renderWithProviders(<WebhooksList />);
    const { button, dialog } = await openRotation(user);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await screen.findByText('Could not rotate the secret: Database unavailable')).toBeInTheDocument();
    expect(dialog).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(screen.getByTestId('webhook-secret')).not.toHaveTextContent('whsec_');
  });
});

describe('the old secret note', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is shown while the old secret signs, and goes away when it stops', async () => {
    vi.useFakeTimers();
    mockFetch([]);
    const until = new Date(Date.now() + 60_000).toISOString();
    const card = (webhook: Webhook) => (
      <WebhookCard
        webhook={webhook}
        onEdit={() => undefined}
        onDelete={() => undefined}
        onShowDeliveries={() => undefined}
        onRotateSecret={() => undefined}
      />
    );
    renderWithProviders(
      <ul>
        {card(webhookFactory({ url: 'https://hooks.test/rotated', previous_secret_expires_at: until }))}
        {/* The API keeps the time after it has passed. */}
        {card(webhookFactory({ url: 'https://hooks.test/long-ago', previous_secret_expires_at: '2025-01-01T10:00:00Z' }))}
      </ul>,
    );
    const notes = () => screen.queryAllByTestId('webhook-previous-secret');
    expect(notes()).toHaveLength(1);
    expect(notes()[0].closest('li')).toHaveTextContent('https://hooks.test/rotated');
    expect(notes()[0]).toHaveTextContent(`Old secret still signs until ${formatDateTime(until)}`);
    await act(() => vi.advanceTimersByTimeAsync(59_000));
    expect(notes()).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(1_500));
    expect(notes()).toHaveLength(0);
  });
});
