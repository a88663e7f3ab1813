import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenPrompt } from '@/components/token-prompt';
import { setToken, signOut } from '@/lib/auth';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders, setupUserOnFakeClock } from '@/testing/test-utils';
import { POLL_INTERVAL_MS } from '../api/get-import';
import { ImportPanel } from '../components/import-panel';

const running = importFactory({ id: '00000000-0000-4000-8000-000000000003', filename: 'guarded.csv' });

/** The API, answering 401 to any token but `accepted`; its event stream is unavailable (503),
 * so the page polls. */
function stubApi() {
  const server = { accepted: 'pi_first' };
  const answer = (ok: number) => (_url: URL, headers: Headers) =>
    headers.get('Authorization') === `Bearer ${server.accepted}` ? ok : 401;
  const { calls } = mockFetch([
    { path: '/api/v1/imports', status: answer(200), body: { items: [running], total: 1, page: 1, page_size: 20 } },
    { path: '/api/v1/imports/00000000-0000-4000-8000-000000000003', status: answer(200), body: running },
    { path: '/api/v1/imports/00000000-0000-4000-8000-000000000003/events', status: answer(503), body: { detail: 'Unavailable' } },
    { method: 'POST', path: '/api/v1/imports/00000000-0000-4000-8000-000000000003/cancel', status: answer(200), body: { ...running, cancel_requested: true } },
  ]);
  return { server, calls };
}

describe('ImportPanel when the API refuses the token', () => {
  beforeEach(fakeClock);
  afterEach(() => {
    signOut();
    realClock();
  });

  it('stops asking, lets a dismissed prompt stand until the user acts, and resumes with a new token', async () => {
    setToken('pi_first');
    const { server, calls } = stubApi();
    renderWithProviders(
      <>
        <ImportPanel />
        <TokenPrompt />
      </>,
      { url: '/?import=00000000-0000-4000-8000-000000000003' },
    );
    expect(await screen.findByText('Live updates unavailable: checking every second')).toBeInTheDocument();

    server.accepted = 'pi_second'; // the first token is revoked
    await advance(POLL_INTERVAL_MS);
    const prompt = screen.getByRole('dialog', { name: 'API token required' });
    const user = setupUserOnFakeClock();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(prompt).not.toBeInTheDocument();
    const askedBefore = calls.length;

    await advance(60_000);
    expect(calls.length).toBe(askedBefore);
    expect(screen.queryByRole('dialog', { name: 'API token required' })).toBeNull();
    expect(screen.getByText(/^Updates paused: the server refused the API token\./)).toBeInTheDocument();

    // Something the user does asks again.
    await user.click(screen.getByRole('button', { name: 'Cancel import' }));
    await user.click(screen.getByRole('button', { name: 'Stop the import' }));
    const again = await screen.findByRole('dialog', { name: 'API token required' });
    await user.type(screen.getByLabelText(/^API token/, { selector: 'input' }), 'pi_second');
    await user.click(within(again).getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByText(/^Updates paused/)).toBeNull());
    const polls = () => calls.filter((call) => call.url === '/api/v1/imports/00000000-0000-4000-8000-000000000003').length;
    const polledAfterSignIn = polls();
    await advance(2 * POLL_INTERVAL_MS);
    expect(polls()).toBeGreaterThanOrEqual(polledAfterSignIn + 2);
  });

  it('asks for the token again when Sign in is pressed while updates are paused', async () => {
    setToken('pi_first');
    const { server } = stubApi();
    renderWithProviders(
      <>
        <ImportPanel />
        <TokenPrompt />
      </>,
      { url: '/?import=00000000-0000-4000-8000-000000000003' },
    );
    await screen.findByRole('heading', { name: 'guarded.csv' });
    server.accepted = 'pi_second';
    await advance(POLL_INTERVAL_MS);
    expect(screen.getByRole('dialog', { name: 'API token required' })).toBeInTheDocument();
    const user = setupUserOnFakeClock();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog', { name: 'API token required' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('dialog', { name: 'API token required' })).toBeInTheDocument();
  });
});
