import { useEffect } from 'react';
import type { ProductPage } from '@/types/api';
import type { ProductsQuery } from '../api/get-products';

type Update = (changes: Partial<ProductsQuery>, options?: { resetPage?: boolean; replace?: boolean }) => void;

/** `redirecting`: on the way to the last page; `past-the-end`: empty, and no earlier page is known. */
export type PastTheEnd = 'redirecting' | 'past-the-end' | null;

/**
 * A page past the end of the results (an old link, rows deleted meanwhile, a typed URL) comes
 * back empty: go to the last page there is, replacing the URL's history entry. The total can be
 * an estimate, so "past the end" is an empty page after the first, and the last page the total
 * implies is followed only when it comes before this one (so this never loops). `page` must be
 * the answer for `query` (not the previous page kept on screen).
 */
export function useLastPageRedirect(query: ProductsQuery, page: ProductPage | undefined, update: Update): PastTheEnd {
  const empty = page !== undefined && page.items.length === 0 && query.page > 1;
  const lastPage = page && page.total > 0 ? Math.ceil(page.total / query.page_size) : 1;
  const target = empty && lastPage < query.page ? lastPage : null;

  useEffect(() => {
    if (target !== null) update({ page: target }, { resetPage: false, replace: true });
  }, [target, update]);

  if (!empty) return null;
  return target === null ? 'past-the-end' : 'redirecting';
}
