import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
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
  beforeEach(() => {
    vi.spyOn(window, 'scrollTo').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows it after the running import, which stays in view', async () => {
    const user = userEvent.setup();
    renderImportPage([running, done]);
    // Arriving during an import pins it in the URL.
    expect(await screen.findByRole('region', { name: 'running.csv' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000028$/));

    const pick = await screen.findByRole('button', { name: 'done.csv' });
    await user.click(pick);
    expect(await screen.findByRole('region', { name: 'done.csv' })).toHaveTextContent('Import complete.');
    // The history's row is not drawn again: the keyboard focus stays on the file's name.
    expect(pick).toHaveFocus();
    expect(screen.getByRole('region', { name: 'running.csv' })).toHaveTextContent('Saving products');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000028&import=00000000-0000-4000-8000-000000000006$/);
    const shown = screen.getAllByRole('region').map((region) => region.getAttribute('aria-labelledby'));
    expect(shown).toEqual(['import-00000000-0000-4000-8000-000000000028-title', 'import-00000000-0000-4000-8000-000000000006-title']);
  });

  it('lets a finished import make way for it', async () => {
    const user = userEvent.setup();
    renderImportPage([done, older], '/?import=00000000-0000-4000-8000-000000000006');
    expect(await screen.findByRole('region', { name: 'done.csv' })).toHaveTextContent('Import complete.');

    await user.click(await screen.findByRole('button', { name: 'older.csv' }));
    expect(await screen.findByRole('region', { name: 'older.csv' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'done.csv' })).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/\?import=00000000-0000-4000-8000-000000000005$/);
  });
});

describe('the history of imports', () => {
  it('names the link to an error report by what it downloads, not by its count alone', async () => {
    renderImportPage([{ ...done, skipped: 561 }]);
    expect(await screen.findByRole('link', { name: 'Download the error report: 561 skipped rows' })).toHaveAttribute(
      'href',
      expect.stringContaining(`/imports/${done.id}/errors`),
    );
  });
});
