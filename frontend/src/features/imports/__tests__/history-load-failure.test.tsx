import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders } from '@/testing/test-utils';
import { ImportsHistory } from '../components/imports-history';

const done = importFactory({ id: '00000000-0000-4000-8000-000000000006', filename: 'done.csv', status: 'completed' });

/** The imports API, away (the connection fails, after 1 s) for the requests `awayFor` picks while
 * `away`; `times`: when each request for the history's page 1 came. */
function importsApi() {
  const api = { away: true, awayFor: (() => true) as (url: URL) => boolean };
  const times: number[] = [];
  const start = Date.now();
  mockFetch([
    {
      path: '/api/v1/imports',
      status: (url) => {
        if (url.searchParams.get('page') === '1' && url.searchParams.get('page_size') === '10') {
          times.push(Date.now() - start);
        }
        return 200;
      },
      body: async (url: URL) => {
        if (api.away && api.awayFor(url)) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          throw new TypeError('Failed to fetch');
        }
        return { items: [done], total: 11, page: Number(url.searchParams.get('page')), page_size: 10 };
      },
    },
  ]);
  return { api, times };
}

describe('ImportsHistory after a failed load', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('keeps the failure on screen while the history is asked for again, not "Loading"', async () => {
    const { times } = importsApi();
    renderWithProviders(<ImportsHistory />);
    await advance(1_100);
    const table = screen.getByRole('table', { name: 'Import history' });
    expect(table).toHaveTextContent(/Could not load the history: The server could not be reached/);

    // The poll (10 s after the failure) takes 1 s to fail again: the failure stays meanwhile.
    await advance(10_400);
    expect(times).toHaveLength(2);
    expect(within(table).queryByText('Loading')).toBeNull();
    expect(table).toHaveTextContent(/Could not load the history: /);
    expect(screen.getByRole('navigation', { name: 'Import history pagination' })).toHaveTextContent(
      'Could not load the history',
    );

    await advance(1_000);
    expect(table).toHaveTextContent(/Could not load the history: /);
  });

  it("does not bring back another page's rows while a page that failed is asked for again", async () => {
    const { api } = importsApi();
    api.away = false;
    api.awayFor = (url) => url.searchParams.get('page') === '1' && url.searchParams.get('page_size') === '10';
    const { router } = renderWithProviders(<ImportsHistory />, { url: '/?history_page=2' });
    await advance(0);
    expect(await screen.findByRole('button', { name: 'Show import done.csv' })).toBeInTheDocument();

    api.away = true;
    await act(() => router.navigate('/'));
    await advance(1_100);
    const table = screen.getByRole('table', { name: 'Import history' });
    expect(table).toHaveTextContent(/Could not load the history: /);

    await advance(10_400);
    expect(table).toHaveTextContent(/Could not load the history: /);
    // Those rows are page 2's, though the pager says page 1.
    expect(screen.queryByRole('button', { name: 'Show import done.csv' })).toBeNull();
  });
});
