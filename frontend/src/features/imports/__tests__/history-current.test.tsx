import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ImportsHistory } from '../components/imports-history';

describe('ImportsHistory', () => {
  it('marks the rows of the imports shown in the cards above', async () => {
    const shown = importFactory({ id: '00000000-0000-4000-8000-000000000030', filename: 'shown.csv', status: 'completed' });
    const other = importFactory({ id: '00000000-0000-4000-8000-000000000027', filename: 'other.csv', status: 'completed' });
    mockFetch([{ path: '/api/v1/imports', body: { items: [shown, other], total: 2, page: 1, page_size: 10 } }]);
    renderWithProviders(<ImportsHistory />, { url: '/?import=00000000-0000-4000-8000-000000000030' });
    const shownRow = (await screen.findByRole('button', { name: 'Show import shown.csv' })).closest('tr')!;
    const otherRow = within(screen.getByRole('table')).getByRole('button', { name: 'Show import other.csv' }).closest('tr')!;
    expect(shownRow).toHaveAttribute('aria-current', 'true');
    expect(otherRow).not.toHaveAttribute('aria-current');
  });

  it('counts the rows a re-import found unchanged, on wide screens and on phones', async () => {
    const reimport = importFactory({
      id: '00000000-0000-4000-8000-000000000002',
      filename: 'again.csv',
      status: 'completed',
      processed_rows: 474_813,
      total_rows: 474_813,
      unchanged: 474_813,
    });
    mockFetch([{ path: '/api/v1/imports', body: { items: [reimport], total: 1, page: 1, page_size: 10 } }]);
    renderWithProviders(<ImportsHistory />);
    const row = (await screen.findByRole('button', { name: 'Show import again.csv' })).closest('tr')!;
    expect(screen.getByRole('columnheader', { name: 'Created / updated / unchanged / skipped' })).toBeInTheDocument();
    expect(within(row).getByTestId('import-outcome')).toHaveTextContent(/^0 \/ 0 \/ 474,813 \/ 0$/);
    // Phones hide that column: a line under the file's name says the same.
    expect(within(row).getByTestId('import-outcome-compact')).toHaveTextContent(/^474,813 unchanged$/);
  });

  it('counts the rows that were earlier rows of a SKU in the same file, so that the counts add up to the rows', async () => {
    const withDuplicates = importFactory({
      id: '00000000-0000-4000-8000-000000000003',
      filename: 'dupes.csv',
      status: 'completed',
      processed_rows: 500_000,
      total_rows: 500_000,
      created: 475_021,
      duplicates_in_file: 24_979,
    });
    mockFetch([{ path: '/api/v1/imports', body: { items: [withDuplicates], total: 1, page: 1, page_size: 10 } }]);
    renderWithProviders(<ImportsHistory />);
    const row = (await screen.findByRole('button', { name: 'Show import dupes.csv' })).closest('tr')!;
    const header = screen.getByRole('columnheader', { name: 'Duplicates in file' });
    const column = within(header.closest('tr')!).getAllByRole('columnheader').indexOf(header);
    expect(within(row).getAllByRole('cell')[column]).toHaveTextContent(/^24,979$/);
    // Phones hide the columns of counts: the line under the file's name counts them too.
    expect(within(row).getByTestId('import-outcome-compact')).toHaveTextContent(
      /^475,021 created, 24,979 duplicates in file$/,
    );
  });
});
