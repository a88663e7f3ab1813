import type { ProductsQuery } from './get-products';

export const productKeys = {
  all: ['products'] as const,
  lists: () => ['products', 'list'] as const,
  list: (query: ProductsQuery) => ['products', 'list', query] as const,
  /** The last version of a product this tab saved (no query of its own: set on each save). */
  savedHere: (id: number) => ['products', 'saved-here', id] as const,
};
