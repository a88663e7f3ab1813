import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '@/components/toast';
import { createQueryClient } from '@/lib/query-client';
import { mockFetch } from '@/testing/test-utils';
import { routes } from './router';

/** The app's routes in a memory router whose history holds the Products page, then `url`. */
function renderAppAt(url: string) {
  mockFetch([
    { path: '/api/v1/imports', body: { items: [], total: 0, page: 1, page_size: 20 } },
    { path: '/api/v1/products', body: { items: [], total: 0, page: 1, page_size: 50 } },
  ]);
  const router = createMemoryRouter(routes, { initialEntries: ['/products', url], initialIndex: 1 });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return router;
}

describe('routes', () => {
  it.each(['/import', '/imports'])('takes %s to the Import page, in place of its history entry', async (path) => {
    const router = renderAppAt(`${path}?import=00000000-0000-4000-8000-000000000001`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Import products' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    // The import it named is still shown.
    expect(router.state.location.search).toBe('?import=00000000-0000-4000-8000-000000000001');
    expect(router.state.historyAction).toBe('REPLACE');
    // Back leaves the Import page instead of coming back to the redirect.
    await act(() => router.navigate(-1));
    expect(router.state.location.pathname).toBe('/products');
  });
});
