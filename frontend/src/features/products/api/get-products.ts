import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
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

export function getProductsQueryOptions(query: ProductsQuery) {
  return queryOptions({
    queryKey: productKeys.list(query),
    queryFn: ({ signal }) => getProducts(query, signal),
    // Keep the previous page on screen while the next one loads.
    placeholderData: keepPreviousData,
  });
}

export function useProducts(query: ProductsQuery) {
  return useQuery(getProductsQueryOptions(query));
}
