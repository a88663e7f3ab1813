import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ImportsHistory } from '../components/imports-history';

describe('ImportsHistory', () => {
  it('marks the rows of the imports shown in the cards above', async () => {
    const shown = importFactory({ id: 'shown-1', filename: 'shown.csv', status: 'completed' });
    const other = importFactory({ id: 'other-2', filename: 'other.csv', status: 'completed' });
    mockFetch([{ path: '/api/v1/imports', body: { items: [shown, other], total: 2, page: 1, page_size: 10 } }]);
    renderWithProviders(<ImportsHistory />, { url: '/?import=shown-1' });
    const shownRow = (await screen.findByRole('button', { name: 'shown.csv' })).closest('tr')!;
    const otherRow = within(screen.getByRole('table')).getByRole('button', { name: 'other.csv' }).closest('tr')!;
    expect(shownRow).toHaveAttribute('aria-current', 'true');
    expect(otherRow).not.toHaveAttribute('aria-current');
  });
});
