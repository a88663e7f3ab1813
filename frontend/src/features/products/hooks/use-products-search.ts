import { useCallback, useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FILTER_MAX_LENGTHS, PRODUCT_SORTS, type ProductFilters, type ProductSort, type ProductsQuery } from '../api/get-products';

export const PAGE_SIZES = [25, 50, 100, 200];
export const DEFAULT_PAGE_SIZE = 50;
const TEXT_FILTERS = ['q', 'sku', 'name', 'description'] as const;

/** A text filter the API takes: without NUL characters, which it refuses, and cut to its longest
 * (counted in characters, as the API counts them, not in UTF-16 units). */
function textFilter(value: string | null, maxLength: number): string | undefined {
  if (value === null) return undefined;
  const characters = Array.from(value.replaceAll('\0', '').trim());
  return characters.slice(0, maxLength).join('').trim();
}

/** Reads the products table state (page, size, sort, filters) from the URL, ignoring junk. */
export function parseProductsSearch(params: URLSearchParams): ProductsQuery {
  const page = Number.parseInt(params.get('page') ?? '', 10);
  const pageSize = Number.parseInt(params.get('page_size') ?? '', 10);
  const sort = params.get('sort');
  const active = params.get('is_active');
  const query: ProductsQuery = {
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    page_size: PAGE_SIZES.includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
  if (sort && (PRODUCT_SORTS as readonly string[]).includes(sort)) query.sort = sort as ProductSort;
  for (const key of TEXT_FILTERS) {
    const value = textFilter(params.get(key), FILTER_MAX_LENGTHS[key]);
    if (value) query[key] = value;
  }
  if (active === 'true' || active === 'false') query.is_active = active === 'true';
  return query;
}

export function toProductsSearch(query: Partial<ProductsQuery>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of TEXT_FILTERS) {
    const value = query[key]?.trim();
    if (value) params.set(key, value);
  }
  if (query.is_active !== undefined) params.set('is_active', String(query.is_active));
  if (query.sort) params.set('sort', query.sort);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  if (query.page_size && query.page_size !== DEFAULT_PAGE_SIZE) params.set('page_size', String(query.page_size));
  return params;
}

/** The list searched for `sku`, which it then shows first as its exact match (see
 * `exactSkuMatchToShow`), wherever it is sorted: without the other filters, which could leave it
 * out; in the same order and page size. */
export function toSkuSearch(query: ProductsQuery, sku: string): URLSearchParams {
  return toProductsSearch({ q: sku, sort: query.sort, page_size: query.page_size });
}

export function useProductsSearch() {
  const [searchParams, setSearchParams] = useSearchParams();
  const query = useMemo(() => parseProductsSearch(searchParams), [searchParams]);

  const update = useCallback(
    /** `replace`: change the current history entry instead of adding one (Back skips it). */
    (changes: Partial<ProductsQuery>, options: { resetPage?: boolean; replace?: boolean } = {}) => {
      setSearchParams(
        (current) => {
          const next = { ...parseProductsSearch(current), ...changes };
          if (options.resetPage ?? !('page' in changes)) next.page = 1;
          return toProductsSearch(next);
        },
        { replace: options.replace ?? false },
      );
    },
    [setSearchParams],
  );

  const setFilter = useCallback(
    <K extends keyof ProductFilters>(key: K, value: ProductFilters[K], options: { replace?: boolean } = {}) =>
      update({ [key]: value }, options),
    [update],
  );

  const clearFilters = useCallback(
    () =>
      update({ q: undefined, sku: undefined, name: undefined, description: undefined, is_active: undefined }),
    [update],
  );

  const filters: ProductFilters = {
    q: query.q,
    sku: query.sku,
    name: query.name,
    description: query.description,
    is_active: query.is_active,
  };
  const hasFilters = Object.values(filters).some((value) => value !== undefined);

  return { query, filters, hasFilters, update, setFilter, clearFilters };
}

/** The same parameters, whatever their order. */
function sameParams(a: URLSearchParams, b: URLSearchParams): boolean {
  const sorted = (params: URLSearchParams) => {
    const copy = new URLSearchParams(params);
    copy.sort();
    return copy.toString();
  };
  return sorted(a) === sorted(b);
}

/**
 * Rewrites the URL without what `parseProductsSearch` ignores (junk from an old or hand-made
 * link), in place of its history entry: a link shared from the page then carries none of it.
 * Used once on the page.
 */
export function useProductsUrlCleanup() {
  const [searchParams, setSearchParams] = useSearchParams();
  const meant = useMemo(() => toProductsSearch(parseProductsSearch(searchParams)), [searchParams]);
  const hasJunk = !sameParams(searchParams, meant);

  useEffect(() => {
    if (hasJunk) setSearchParams(meant, { replace: true });
  }, [hasJunk, meant, setSearchParams]);
}
