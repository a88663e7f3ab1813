import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import { ImportPanel } from '../components/import-panel';

describe('ImportPanel', () => {
  it('shows the import that is still running after a reload (polling without SSE)', async () => {
    const running = importFactory({ id: 'abc', filename: 'big.csv', progress: 40 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [running], total: 1, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/abc', body: running },
    ]);
    renderWithProviders(<ImportPanel />);
    expect(await screen.findByRole('heading', { name: 'big.csv' })).toBeInTheDocument();
    expect(screen.getByTestId('import-percent')).toHaveTextContent('40%');
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeInTheDocument();
  });

  it('follows the import named in the URL', async () => {
    const done = importFactory({ id: 'xyz', filename: 'old.csv', status: 'completed', progress: 100 });
    mockFetch([
      { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
      { path: '/api/v1/imports/xyz', body: done },
    ]);
    renderWithProviders(<ImportPanel />, { url: '/?import=xyz' });
    expect(await screen.findByTestId('import-summary')).toBeInTheDocument();
  });
});
