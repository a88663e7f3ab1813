import { useQuery } from '@tanstack/react-query';
import { getProductsQueryOptions } from '../api/get-products';

/** The whole catalog, one product long: unfiltered, its `total` is exact and cheap to count. */
export const WHOLE_CATALOG = { page: 1, page_size: 1 };

/**
 * How many products the catalog holds, asked for each time `enabled` turns on (an import may have
 * changed it since); undefined until that answer comes (an earlier answer is never said: this is the
 * confirmation of a delete), or if it is only an estimate.
 */
export function useCatalogCount(enabled: boolean): number | undefined {
  const count = useQuery({
    ...getProductsQueryOptions(WHOLE_CATALOG),
    enabled,
    staleTime: 0,
    select: (page) => (page.total_is_estimate ? undefined : page.total),
  });
  return count.isFetching ? undefined : count.data;
}
