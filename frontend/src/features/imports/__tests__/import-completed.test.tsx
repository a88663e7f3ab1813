import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import { importFactory } from '@/testing/factories';
import type { Import } from '@/types/api';
import { importKeys } from '../api/query-keys';
import { useImportCompleted } from '../hooks/use-import-completed';

function page(...items: Import[]) {
  return { items, total: items.length, page: 1, page_size: 20 };
}

describe('useImportCompleted', () => {
  it('tells a completion once, even when a list asked for before it answers after it', () => {
    const queryClient = createQueryClient();
    const onCompleted = vi.fn();
    renderHook(() => useImportCompleted(onCompleted), {
      wrapper: ({ children }: { children?: ReactNode }) => (
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      ),
    });
    const running = importFactory({ id: 'imp-late', status: 'running' });
    const completed = { ...running, status: 'completed' as const, progress: 100 };
    act(() => queryClient.setQueryData(importKeys.detail('imp-late'), running));
    act(() => queryClient.setQueryData(importKeys.detail('imp-late'), completed));
    expect(onCompleted).toHaveBeenCalledTimes(1);

    // The history's answer was sent before the import completed, and comes now.
    act(() => queryClient.setQueryData(importKeys.list(1, 20), page(running)));
    act(() => queryClient.setQueryData(importKeys.list(1, 20), page(completed)));
    act(() => queryClient.setQueryData(importKeys.detail('imp-late'), completed));
    expect(onCompleted).toHaveBeenCalledTimes(1);
  });
});
