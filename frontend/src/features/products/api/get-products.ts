import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { ProductPage } from '@/types/api';
import { productKeys } from './query-keys';

export const PRODUCT_SORTS = ['id', '-id', 'sku', '-sku', 'name', '-name', 'updated_at', '-updated_at'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export type ProductFilters = {
  q?: string;
  sku?: string;
  name?: string;
  description?: string;
  is_active?: boolean;
};

export type ProductsQuery = ProductFilters & {
  page: number;
  page_size: number;
  sort?: ProductSort;
};

export function getProducts(query: ProductsQuery, signal?: AbortSignal): Promise<ProductPage> {
  return api.get<ProductPage>('products', query, signal);
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
