import { useQuery } from '@tanstack/react-query';
import type { ProductPage } from '@/types/api';
import { getProductsQueryOptions } from '../api/get-products';
import { WHOLE_CATALOG } from './use-catalog-count';
import { useProductsSearch } from './use-products-search';

function isEmptyPage(page: ProductPage): boolean {
  return page.total === 0 && !page.total_is_estimate;
}

/**
 * Whether the catalog is known to hold no product. The list on the page (fetched by the table:
 * this does not ask for it) says so when it has no filter. A filtered list that came back empty
 * says nothing of the rest of the catalog: the whole catalog is then counted.
 */
export function useCatalogIsEmpty(): boolean {
  const { query, hasFilters } = useProductsSearch();
  const products = useQuery({
    ...getProductsQueryOptions(query),
    enabled: false,
    select: isEmptyPage,
  });
  const listIsEmpty = !products.isPlaceholderData && products.data === true;
  const catalog = useQuery({
    ...getProductsQueryOptions(WHOLE_CATALOG),
    enabled: hasFilters && listIsEmpty,
    select: isEmptyPage,
  });
  return listIsEmpty && (!hasFilters || catalog.data === true);
}
