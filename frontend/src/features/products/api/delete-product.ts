import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import { isChangedSince } from '@/lib/api-error';
import { isLater } from '@/lib/time';
import type { Product } from '@/types/api';
import { productKeys } from './query-keys';
import { productVersion } from './update-product';

/** Deletes `product` only if it is still the version shown (`If-Match`): one changed since (by
 * another tab or an import) is kept, and the API answers 412. */
export function deleteProduct(product: Product): Promise<DeleteResult> {
  return deleteIfPresent(`products/${product.id}`, { 'If-Match': productVersion(product) });
}

/** `product`, or the version of it this tab saved since (e.g. with the Active switch while Delete
 * was asked for): only a change made elsewhere refuses the delete. A newer version fetched from
 * the server is not taken: it may hold a change made elsewhere that the confirmation did not show. */
export function versionToDelete(queryClient: QueryClient, product: Product): Product {
  const saved = queryClient.getQueryData<Product>(productKeys.savedHere(product.id));
  return saved && isLater(saved.updated_at, product.updated_at) ? saved : product;
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (product: Product) => deleteProduct(versionToDelete(queryClient, product)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
    onError: (error) => {
      // Changed elsewhere: fetch the list again, so it shows the product as it is now.
      if (isChangedSince(error)) void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
