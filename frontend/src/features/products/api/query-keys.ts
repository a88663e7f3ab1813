import type { ProductsQuery } from './get-products';

export const productKeys = {
  all: ['products'] as const,
  lists: () => ['products', 'list'] as const,
  list: (query: ProductsQuery) => ['products', 'list', query] as const,
};
