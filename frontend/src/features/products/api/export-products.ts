import { buildUrl } from '@/lib/api';
import type { ProductFilters, ProductSort } from './get-products';

/** The CSV export of every product matching the filters (a download link, not a fetch). */
export function getProductsExportUrl(filters: ProductFilters & { sort?: ProductSort }): string {
  return buildUrl('products/export.csv', filters);
}
