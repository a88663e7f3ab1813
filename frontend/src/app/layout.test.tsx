import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { startUpload, getUpload } from '@/features/imports/api/upload-store';
import { importKeys } from '@/features/imports/api/query-keys';
import type { CreateImportInput } from '@/features/imports/api/create-import';
import { importFactory } from '@/testing/factories';
import { mockFetch, renderWithProviders } from '@/testing/test-utils';
import type { Import } from '@/types/api';
import { AppLayout } from './layout';

function renderShell() {
  return renderWithProviders(
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<h1>Import</h1>} />
        <Route path="products" element={<h1>Products</h1>} />
      </Route>
    </Routes>,
    { url: '/products' },
  );
}

/** The shell, with a products list in the cache (`list`, its key). */
function renderShellWithProductsList() {
  mockFetch([]);
  const { queryClient } = renderShell();
  const list = ['products', 'list', { page: 1, page_size: 50 }];
  queryClient.setQueryData(list, { items: [], total: 0, page: 1, page_size: 50 });
  return { queryClient, list };
}

/** An upload that runs until it is stopped; `progress` reports bytes sent. */
function uploadRunning(name: string) {
  let report!: CreateImportInput['onProgress'];
  startUpload(new File(['sku,name\n'], name, { type: 'text/csv' }), ({ signal, onProgress }) => {
    report = onProgress;
    return new Promise<Import>((_, reject) =>
      signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError'))),
    );
  });
  return { progress: (loaded: number, total: number) => report?.({ loaded, total }) };
}

describe('AppLayout', () => {
  afterEach(async () => {
    await act(async () => getUpload()?.controller.abort());
  });

  it('shows on the other pages that a file is uploading, with a way back to its progress', async () => {
    mockFetch([]);
    const user = userEvent.setup();
    renderShell();
    expect(screen.queryByTestId('upload-indicator')).toBeNull();
    const upload = uploadRunning('big.csv');
    act(() => upload.progress(1_048_576, 4_194_304));
    const indicator = screen.getByTestId('upload-indicator');
    expect(indicator).toHaveAccessibleName('Uploading big.csv, 25%');
    expect(indicator).toHaveTextContent('Uploading big.csv 25%');
    await user.click(indicator);
    expect(screen.getByRole('heading', { name: 'Import' })).toBeInTheDocument();
    // The Import page shows the upload's own card.
    expect(screen.queryByTestId('upload-indicator')).toBeNull();
  });

  it('marks the products lists out of date when an import it follows completes', () => {
    const { queryClient, list } = renderShellWithProductsList();
    const running = importFactory({ id: 'imp-1', status: 'running' });
    act(() => queryClient.setQueryData(importKeys.detail('imp-1'), running));
    expect(queryClient.getQueryState(list)?.isInvalidated).toBe(false);

    act(() => queryClient.setQueryData(importKeys.detail('imp-1'), { ...running, status: 'completed', progress: 100 }));
    expect(queryClient.getQueryState(list)?.isInvalidated).toBe(true);
  });

  it('leaves the products lists alone when an import fails', () => {
    const { queryClient, list } = renderShellWithProductsList();
    const running = importFactory({ id: 'imp-2', status: 'running' });
    act(() => queryClient.setQueryData(importKeys.detail('imp-2'), running));
    act(() => queryClient.setQueryData(importKeys.detail('imp-2'), { ...running, status: 'failed', error: 'Disk full' }));
    expect(queryClient.getQueryState(list)?.isInvalidated).toBe(false);
  });
});
