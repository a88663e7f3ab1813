import { keepPreviousData, queryOptions, useQuery, type QueryState } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isPassingFailure } from '@/lib/api-error';
import { usePollingAllowed } from '@/lib/auth';
import type { ProductListQuery, ProductPage, ProductSort } from '@/types/api';
import { productKeys } from './query-keys';

export type { ProductSort };

export const PRODUCT_SORTS = [
  'id',
  '-id',
  'sku',
  '-sku',
  'name',
  '-name',
  'updated_at',
  '-updated_at',
] as const satisfies readonly ProductSort[];

export type ProductFilters = {
  q?: string;
  sku?: string;
  name?: string;
  description?: string;
  is_active?: boolean;
};

/** The longest text filters the API takes (it refuses longer ones); inputs stop there. */
export const FILTER_MAX_LENGTHS = { q: 255, sku: 255, name: 255, description: 1_000 } as const;

export type ProductsQuery = ProductFilters & {
  page: number;
  page_size: number;
  sort?: ProductSort;
};

export function getProducts(query: ProductsQuery, signal?: AbortSignal): Promise<ProductPage> {
  const params: ProductListQuery = query;
  return api.get<ProductPage>('products', params, signal);
}

/** While a list could not be loaded for a reason that passes (the API restarting, the network
 * away), it is asked for again after 2 s, 4 s, 8 s… at most every 30 s, until it loads. */
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** A list query's count of failures (`errorUpdateCount`) at its last success. */
const failuresAtLastSuccess = new WeakMap<object, number>();

function retryWhilePassingFailure(query: { state: QueryState<ProductPage, Error> }): number | false {
  const { status, error, errorUpdateCount } = query.state;
  if (status === 'success') failuresAtLastSuccess.set(query, errorUpdateCount);
  if (status !== 'error' || !isPassingFailure(error)) return false;
  // Counted since the last success: a later outage starts at 2 s again.
  const failures = errorUpdateCount - (failuresAtLastSuccess.get(query) ?? 0);
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
}

export function getProductsQueryOptions(query: ProductsQuery) {
  return queryOptions({
    queryKey: productKeys.list(query),
    queryFn: ({ signal }) => getProducts(query, signal),
    // Keep the previous page on screen while the next one loads.
    placeholderData: keepPreviousData,
    // The failures are asked again by `refetchInterval` (see `useProducts`), at its pace.
    retry: false,
  });
}

export function useProducts(query: ProductsQuery) {
  // While the API refuses the token, nothing is asked by itself: each would be refused again
  // (and counted by the server), and would bring back the prompt the person dismissed.
  const pollingAllowed = usePollingAllowed();
  return useQuery({
    ...getProductsQueryOptions(query),
    // Another tab or an import may have changed the catalog meanwhile; a first page is cheap.
    refetchOnWindowFocus: pollingAllowed,
    refetchOnReconnect: pollingAllowed,
    refetchInterval: (q) => (pollingAllowed ? retryWhilePassingFailure(q) : false),
  });
}
