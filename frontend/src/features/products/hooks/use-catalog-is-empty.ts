import { useQuery } from '@tanstack/react-query';
import { getProductsQueryOptions } from '../api/get-products';
import { useProductsSearch } from './use-products-search';

/**
 * Whether the catalog is known to hold no product: the list on the page (fetched by the table:
 * this asks nothing itself) has no filter and its exact total is 0. A filtered list says
 * nothing of the rest of the catalog.
 */
export function useCatalogIsEmpty(): boolean {
  const { query, hasFilters } = useProductsSearch();
  const products = useQuery({
    ...getProductsQueryOptions(query),
    enabled: false,
    select: (page) => page.total === 0 && !page.total_is_estimate,
  });
  return !hasFilters && !products.isPlaceholderData && products.data === true;
}
