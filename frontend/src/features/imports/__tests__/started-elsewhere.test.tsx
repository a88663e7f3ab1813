import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { advance, fakeClock, mockFetch, realClock, renderWithProviders } from '@/testing/test-utils';
import type { Import } from '@/types/api';
import { ImportPanel } from '../components/import-panel';
import { ImportsHistory } from '../components/imports-history';

const finished = importFactory({
  id: '00000000-0000-4000-8000-000000000006',
  filename: 'done.csv',
  status: 'completed',
  phase: 'completed',
  progress: 100,
  finished_at: '2025-01-01T10:01:00Z',
});
const elsewhere = importFactory({
  id: '00000000-0000-4000-8000-000000000028',
  filename: 'cli.csv',
  status: 'running',
  created_at: '2025-01-01T11:00:00Z',
});
/** Started and finished elsewhere between two looks at the imports queued or running. */
const quick = importFactory({
  id: '00000000-0000-4000-8000-000000000029',
  filename: 'quick.csv',
  status: 'completed',
  phase: 'completed',
  progress: 100,
  created_at: '2025-01-01T11:00:00Z',
  finished_at: '2025-01-01T11:00:02Z',
});

/** The API's imports, newest first: `start` adds one (by default `elsewhere`) as another tab or
 * the command line would. */
function importsApi() {
  let items: Import[] = [finished];
  mockFetch([
    { path: '/api/v1/imports', body: () => ({ items, total: items.length, page: 1, page_size: 20 }) },
    { path: `/api/v1/imports/${finished.id}`, body: finished },
    { path: `/api/v1/imports/${elsewhere.id}`, body: elsewhere },
    { path: `/api/v1/imports/${elsewhere.id}/events`, status: 503, body: { detail: 'Unavailable' } },
  ]);
  return { start: (started: Import = elsewhere) => (items = [started, ...items]) };
}

describe('an import started elsewhere while a finished one is shown', () => {
  beforeEach(fakeClock);
  afterEach(realClock);

  it('gets its card, after the finished one, within seconds', async () => {
    const api = importsApi();
    const { router } = renderWithProviders(<ImportPanel />, { url: `/?import=${finished.id}` });
    expect(await screen.findByRole('heading', { name: 'done.csv' })).toBeInTheDocument();

    api.start();
    await advance(5_000);
    expect(screen.getByRole('heading', { name: 'cli.csv' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'done.csv' })).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?import=${finished.id}&import=${elsewhere.id}`);
  });

  it('gets its row in the history within seconds, though the history lists none running', async () => {
    const api = importsApi();
    renderWithProviders(<ImportsHistory />, { url: `/?import=${finished.id}` });
    const history = await screen.findByRole('table', { name: 'Import history' });
    expect(await within(history).findByText('done.csv')).toBeInTheDocument();

    api.start();
    await advance(5_000);
    expect(within(history).getByText('cli.csv')).toBeInTheDocument();
  });

  it('gets its row in the history within the idle pace, though it was never seen running', async () => {
    const api = importsApi();
    renderWithProviders(<ImportsHistory />, { url: `/?import=${finished.id}` });
    const history = await screen.findByRole('table', { name: 'Import history' });
    expect(await within(history).findByText('done.csv')).toBeInTheDocument();

    api.start(quick);
    await advance(10_000);
    expect(within(history).getByText('quick.csv')).toBeInTheDocument();
  });
});
