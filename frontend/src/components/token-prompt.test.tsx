import { useQuery } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '@/lib/api';
import { signOut } from '@/lib/auth';
import { renderWithProviders } from '@/testing/test-utils';
import { SignOutButton, TokenNeeded, TokenPrompt } from './token-prompt';

const GOOD = 'pi_good-token';

/** Answers 401 unless the request carries the good token; records the headers it saw. */
function stubApi() {
  const seen: (string | null)[] = [];
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    const authorization = new Headers(init?.headers).get('Authorization');
    seen.push(authorization);
    if (authorization !== `Bearer ${GOOD}`) {
      return new Response(JSON.stringify({ detail: 'Authentication required' }), { status: 401 });
    }
    return new Response(JSON.stringify({ name: 'inside' }), { status: 200 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return seen;
}

function Probe() {
  const query = useQuery({ queryKey: ['probe'], queryFn: () => api.get<{ name: string }>('probe') });
  return <p>{query.data ? `data: ${query.data.name}` : query.isError ? 'no access' : 'loading'}</p>;
}

function setup() {
  renderWithProviders(
    <>
      <SignOutButton />
      <Probe />
      <TokenPrompt />
    </>,
  );
  return userEvent.setup();
}

describe('TokenPrompt', () => {
  beforeEach(() => signOut());
  afterEach(() => {
    vi.unstubAllGlobals();
    window.sessionStorage.clear();
  });

  it('asks for a token on a 401, keeps it for the session and retries', async () => {
    const seen = stubApi();
    const user = setup();
    const dialog = await screen.findByRole('dialog', { name: 'API token required' });
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();

    await user.type(screen.getByLabelText(/^API token/, { selector: 'input' }), GOOD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('data: inside')).toBeInTheDocument();
    expect(dialog).not.toBeInTheDocument();
    expect(window.sessionStorage.getItem('product-importer.api-token')).toBe(GOOD);
    expect(seen).toEqual([null, `Bearer ${GOOD}`]);
    expect(window.location.search).toBe('');
  });

  it('says when a token is refused, and signs out', async () => {
    stubApi();
    const user = setup();
    await user.type(await screen.findByLabelText(/^API token/, { selector: 'input' }), 'pi_wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The token was refused (HTTP 401).')).toBeInTheDocument();

    await user.clear(screen.getByLabelText(/^API token/, { selector: 'input' }));
    await user.type(screen.getByLabelText(/^API token/, { selector: 'input' }), GOOD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('data: inside')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(window.sessionStorage.getItem('product-importer.api-token')).toBeNull();
    expect(await screen.findByRole('dialog', { name: 'API token required' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('data: inside')).not.toBeInTheDocument());
  });

  it('offers Sign out only for a token the server has not refused', async () => {
    stubApi();
    const user = setup();
    await user.type(await screen.findByLabelText(/^API token/, { selector: 'input' }), 'pi_wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The token was refused (HTTP 401).')).toBeInTheDocument();
    // Not signed in: the token typed was refused.
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('after Cancel, says in plain words that the server needs a token and offers to enter one', async () => {
    stubApi();
    const user = userEvent.setup();
    renderWithProviders(
      <>
        <TokenNeeded />
        <ProbeError />
        <TokenPrompt />
      </>,
    );
    const dialog = await screen.findByRole('dialog', { name: 'API token required' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(dialog).not.toBeInTheDocument();

    // Not the API's own text ("send the header Authorization: Bearer <token>").
    expect(await screen.findByText('Could not load: This server needs an API token.')).toBeInTheDocument();
    expect(screen.queryByText(/Authentication required/)).toBeNull();
    const notice = screen.getByTestId('token-needed');
    expect(notice).toHaveAttribute('role', 'status');
    expect(notice).toHaveTextContent('This server needs an API token.');
    const enter = within(notice).getByRole('button', { name: 'Enter token' });
    // The prompt opened by itself (nothing had the focus): the keyboard goes on from the way back.
    expect(enter).toHaveFocus();

    await user.click(enter);
    expect(await screen.findByRole('dialog', { name: 'API token required' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter token' })).toBeNull();
    await user.type(screen.getByLabelText(/^API token/, { selector: 'input' }), GOOD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('loaded')).toBeInTheDocument();
    expect(screen.queryByTestId('token-needed')).toBeNull();
  });
});

function ProbeError() {
  const query = useQuery({ queryKey: ['probe'], queryFn: () => api.get<{ name: string }>('probe') });
  return <p>{query.isError ? `Could not load: ${query.error.message}` : query.data ? 'loaded' : 'loading'}</p>;
}
