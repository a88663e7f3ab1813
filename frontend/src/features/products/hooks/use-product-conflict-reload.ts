import { useConflictReload, type ConflictReloadForm } from '@/hooks/use-conflict-reload';
import type { Product } from '@/types/api';
import { getProduct } from '../api/get-product';
import { productKeys } from '../api/query-keys';
import { productToValues, rebaseValues, type ProductFormValues } from '../components/product-form';

type Options = ConflictReloadForm<ProductFormValues> & {
  /** The product the dialog opened with; null when creating one. */
  product: Product | null;
};

/** `useConflictReload` for a product's edit dialog. */
export function useProductConflictReload({ product, ...form }: Options) {
  return useConflictReload({
    ...form,
    row: product,
    fetchLatest: getProduct,
    toValues: productToValues,
    rebase: rebaseValues,
    invalidateOnLoad: productKeys.lists(),
    invalidateWhenGone: productKeys.all,
  });
}
