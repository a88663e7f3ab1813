import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import { isChangedSince } from '@/lib/api-error';
import { versionOf, versionToDelete } from '@/lib/versions';
import type { Product } from '@/types/api';
import { productKeys } from './query-keys';

/** Deletes `product` only if it is still the version shown (`If-Match`): one changed since (by
 * another tab or an import) is kept, and the API answers 412. */
export function deleteProduct(product: Product): Promise<DeleteResult> {
  return deleteIfPresent(`products/${product.id}`, { 'If-Match': versionOf(product) });
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (product: Product) => {
      const savedHere = queryClient.getQueryData<Product>(productKeys.savedHere(product.id));
      return deleteProduct(versionToDelete(product, savedHere));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
    onError: (error) => {
      // Changed elsewhere: fetch the list again, so it shows the product as it is now.
      if (isChangedSince(error)) void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
