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

describe('useImportCompleted, for an import that completed between two polls', () => {
  function watch(queryClient = createQueryClient()) {
    const onCompleted = vi.fn();
    renderHook(() => useImportCompleted(onCompleted), {
      wrapper: ({ children }: { children?: ReactNode }) => (
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      ),
    });
    const answer = (key: readonly unknown[], ...items: Import[]) =>
      act(() => void queryClient.setQueryData(key, page(...items)));
    return { onCompleted, answer };
  }

  const recent = importKeys.recent();
  const old = importFactory({
    id: 'imp-old',
    status: 'completed',
    created: 5,
    created_at: '2025-01-01T09:00:00Z',
  });
  const quick = importFactory({
    id: 'imp-quick',
    status: 'completed',
    created: 2,
    created_at: '2025-01-01T10:00:00Z',
  });

  it('tells it once, and not the imports that had completed before the first answer', () => {
    const { onCompleted, answer } = watch();
    answer(recent, old);
    answer(recent, old);
    expect(onCompleted).not.toHaveBeenCalled();

    answer(recent, quick, old);
    answer(recent, quick, old);
    answer(importKeys.list(1, 20), quick, old);
    expect(onCompleted).toHaveBeenCalledTimes(1);
    expect(onCompleted).toHaveBeenCalledWith(quick);
  });

  it('tells it when there were no imports at all before it', () => {
    const { onCompleted, answer } = watch();
    answer(recent);
    answer(recent, quick);
    expect(onCompleted).toHaveBeenCalledExactlyOnceWith(quick);
  });

  it('takes what was cached before it started watching as already accounted for', () => {
    const queryClient = createQueryClient();
    queryClient.setQueryData(recent, page(old));
    const { onCompleted, answer } = watch(queryClient);
    answer(recent, old);
    expect(onCompleted).not.toHaveBeenCalled();
  });

  it('does not tell one that changed no product', () => {
    const { onCompleted, answer } = watch();
    answer(recent, old);
    answer(recent, { ...quick, created: 0, unchanged: 1, skipped: 1 }, old);
    expect(onCompleted).not.toHaveBeenCalled();
  });

  it('tells only the new import when it pushes the last of each history page onto the next', () => {
    const { onCompleted, answer } = watch();
    const older = { ...old, id: 'imp-older', created_at: '2025-01-01T08:00:00Z' };
    answer(importKeys.list(1, 1), old);
    answer(importKeys.list(2, 1), older);
    // A short import completes: pages of one import each now show it, then the one before it.
    answer(importKeys.list(1, 1), quick);
    answer(importKeys.list(2, 1), old);
    expect(onCompleted).toHaveBeenCalledTimes(1);
    expect(onCompleted).toHaveBeenCalledWith(quick);
  });
});
