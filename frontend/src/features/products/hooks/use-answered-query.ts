import { useState } from 'react';
import type { ProductPage } from '@/types/api';
import type { ProductsQuery } from '../api/get-products';

/**
 * The query whose answer `page` is: `query`, or, while an earlier query's answer stays on screen
 * as the next one loads (`fromEarlierQuery`), the last query whose own answer was shown (the one
 * the placeholder data is kept from).
 */
export function useAnsweredQuery(
  query: ProductsQuery,
  page: ProductPage | undefined,
  fromEarlierQuery: boolean,
): ProductsQuery {
  const [lastAnswered, setLastAnswered] = useState(query);
  if (page !== undefined && !fromEarlierQuery && lastAnswered !== query) setLastAnswered(query);
  return fromEarlierQuery ? lastAnswered : query;
}
