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
 * implies is followed only when it comes before this one (so this never loops). `page` is the
 * latest answer; `isPrevious`: it is an earlier query's, kept on screen while this one loads
 * (still "redirecting" when that earlier answer led here).
 */
export function useLastPageRedirect(
  query: ProductsQuery,
  page: ProductPage | undefined,
  isPrevious: boolean,
  update: Update,
): PastTheEnd {
  const empty = page !== undefined && page.items.length === 0;
  const target = empty ? lastPage(page, query.page_size) : null;
  const redirect = !isPrevious && empty && query.page > 1 && target !== null && target < query.page ? target : null;

  useEffect(() => {
    if (redirect !== null) update({ page: redirect }, { resetPage: false, replace: true });
  }, [redirect, update]);

  if (isPrevious) return empty && target === query.page && page.page > query.page ? 'redirecting' : null;
  if (!empty || query.page <= 1) return null;
  return redirect === null ? 'past-the-end' : 'redirecting';
}

function lastPage(page: ProductPage, pageSize: number): number {
  return page.total > 0 ? Math.ceil(page.total / pageSize) : 1;
}
