import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { gate } from '@/testing/gate';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { importKeys } from '../api/query-keys';
import { ImportPanel } from '../components/import-panel';
import { ImportsHistory } from '../components/imports-history';

const running = importFactory({ id: '00000000-0000-4000-8000-000000000028', filename: 'running.csv' });
const done = importFactory({
  id: '00000000-0000-4000-8000-000000000006',
  filename: 'done.csv',
  status: 'completed',
  phase: 'completed',
  progress: 100,
  processed_rows: 500_000,
  created: 500_000,
  finished_at: '2025-01-01T10:01:00Z',
});
const older = { ...done, id: '00000000-0000-4000-8000-000000000005', filename: 'older.csv' };

/** The Import page: the live panel above the history, every import listed in both. */
function renderImportPage(items: (typeof running)[], url = '/') {
  mockFetch([
    { path: '/api/v1/imports', body: { items, total: items.length, page: 1, page_size: 20 } },
    ...items.map((item) => ({ path: `/api/v1/imports/${item.id}`, body: item })),
  ]);
  return renderWithProviders(
    <>
      <ImportPanel />
      <ImportsHistory />
    </>,
    { url },
  );
}

describe('picking an import in the history', () => {
  // jsdom lays nothing out, and has no scrolling of its own.
  const scrollIntoView = vi.fn();
  beforeEach(() => {
    Element.prototype.scrollIntoView = scrollIntoView;
  });

  afterEach(() => {
    scrollIntoView.mockReset();
    delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  it('shows it after the running import, which stays in view', async () => {
    const user = userEvent.setup();
    renderImportPage([running, done]);
    // Arriving during an import pins it in the URL.
    expect(await screen.findByRole('region', { name: 'running.csv' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000028$/));

    await user.click(await screen.findByRole('button', { name: 'Show import done.csv' }));
    expect(await screen.findByRole('region', { name: 'done.csv' })).toHaveTextContent('Import complete:');
    expect(screen.getByRole('region', { name: 'running.csv' })).toHaveTextContent('Saving products');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000028&import=00000000-0000-4000-8000-000000000006$/);
    const shown = screen.getAllByRole('region').map((region) => region.getAttribute('aria-labelledby'));
    expect(shown).toEqual(['import-00000000-0000-4000-8000-000000000028-title', 'import-00000000-0000-4000-8000-000000000006-title']);
  });

  it('lets a finished import make way for it', async () => {
    const user = userEvent.setup();
    renderImportPage([done, older], '/?import=00000000-0000-4000-8000-000000000006');
    expect(await screen.findByRole('region', { name: 'done.csv' })).toHaveTextContent('Import complete:');

    await user.click(await screen.findByRole('button', { name: 'Show import older.csv' }));
    expect(await screen.findByRole('region', { name: 'older.csv' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'done.csv' })).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000005$/);
  });

  it("scrolls the import's card into view and gives its heading the keyboard focus, to be read", async () => {
    const user = userEvent.setup();
    renderImportPage([done, older], '/?import=00000000-0000-4000-8000-000000000006');
    const pick = await screen.findByRole('button', { name: 'Show import older.csv' });
    // The visible file name is part of the name: it can be spoken to pick the import.
    expect(pick).toHaveTextContent(/^Show import older\.csv$/);
    pick.focus();
    await user.keyboard('{Enter}');
    const card = await screen.findByRole('region', { name: 'older.csv' });
    await waitFor(() => expect(within(card).getByRole('heading', { name: 'older.csv' })).toHaveFocus());
    expect(scrollIntoView.mock.contexts).toEqual([card]);

    // Asked for again, it is brought back into view.
    pick.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(within(card).getByRole('heading', { name: 'older.csv' })).toHaveFocus());
    expect(scrollIntoView).toHaveBeenCalledTimes(2);
  });

  it('keeps a running import whose card is still loading first, and focuses the one picked', async () => {
    const user = userEvent.setup();
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running, done], total: 2, page: 1, page_size: 20 } },
      { path: `/api/v1/imports/${running.id}`, body: () => new Promise(() => undefined) },
      { path: `/api/v1/imports/${done.id}`, body: done },
    ]);
    renderWithProviders(
      <>
        <ImportPanel />
        <ImportsHistory />
      </>,
    );
    const location = screen.getByTestId('location');
    await waitFor(() => expect(location).toHaveTextContent(new RegExp(`^/\\?import=${running.id}$`)));

    await user.click(await screen.findByRole('button', { name: 'Show import done.csv' }));
    const card = await screen.findByRole('region', { name: 'done.csv' });
    await waitFor(() => expect(within(card).getByRole('heading', { name: 'done.csv' })).toHaveFocus());
    expect(location).toHaveTextContent(new RegExp(`^/\\?import=${running.id}&import=${done.id}$`));
  });

  it('focuses the picked import once loaded, though one started elsewhere was added meanwhile, and only then', async () => {
    const user = userEvent.setup();
    const other = { ...running, id: '00000000-0000-4000-8000-000000000029', filename: 'other.csv' };
    const olderLoads = gate();
    let items = [done, older];
    mockFetch([
      { path: '/api/v1/imports', body: () => ({ items, total: items.length, page: 1, page_size: 20 }) },
      ...[done, running, other].map((item) => ({ path: `/api/v1/imports/${item.id}`, body: item })),
      { path: `/api/v1/imports/${older.id}`, body: () => olderLoads.passed.then(() => older) },
    ]);
    const { queryClient } = renderWithProviders(
      <>
        <ImportPanel />
        <ImportsHistory />
      </>,
      { url: `/?import=${done.id}` },
    );
    const location = screen.getByTestId('location');
    const pick = await screen.findByRole('button', { name: 'Show import older.csv' });
    await user.click(pick);
    await waitFor(() => expect(location).toHaveTextContent(new RegExp(`^/\\?import=${older.id}$`)));

    /** An import starts elsewhere: the page, asking for the imports running, adds it to the URL. */
    async function startElsewhere(item: typeof running) {
      items = [item, ...items];
      await queryClient.invalidateQueries({ queryKey: importKeys.recent() });
      await waitFor(() => expect(location).toHaveTextContent(item.id));
    }

    await startElsewhere(running);
    olderLoads.open();
    const card = await screen.findByRole('region', { name: 'older.csv' });
    await waitFor(() => expect(within(card).getByRole('heading', { name: 'older.csv' })).toHaveFocus());

    // Met once, the request is not met again when the URL changes on.
    pick.focus();
    await startElsewhere(other);
    expect(await screen.findByRole('region', { name: 'other.csv' })).toBeInTheDocument();
    expect(pick).toHaveFocus();
  });
});

describe('the history of imports', () => {
  it('names the link to an error report by what it downloads, not by its count alone', async () => {
    renderImportPage([{ ...done, skipped: 561 }]);
    const link = await screen.findByRole('link', { name: 'Download the 561 skipped rows of done.csv' });
    expect(link).toHaveAttribute('href', expect.stringContaining(`/imports/${done.id}/errors`));
    // A target of at least 24 by 24 pixels, not the count's own few.
    expect(link).toHaveClass('min-h-6', 'min-w-6');
  });

  it('does not count a running or queued import as having created nothing: its counts come when it ends', async () => {
    const queued = { ...running, id: '00000000-0000-4000-8000-000000000030', filename: 'queued.csv', status: 'queued' as const };
    renderImportPage([running, queued, done]);
    const rowOf = async (name: string) =>
      (await screen.findByRole('button', { name: `Show import ${name}` })).closest('tr') as HTMLElement;
    for (const name of ['running.csv', 'queued.csv']) {
      const row = await rowOf(name);
      expect(within(row).getByTestId('import-outcome')).toHaveTextContent(/^— counted when the import ends$/);
      // Nor any duplicates in the file yet.
      expect(within(row).queryByText('0')).toBeNull();
    }
    expect(within(await rowOf('done.csv')).getByTestId('import-outcome')).toHaveTextContent('500,000 / 0 / 0 / 0');
  });
});
