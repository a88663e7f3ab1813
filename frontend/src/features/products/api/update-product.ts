import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Product, ProductPage, ProductUpdate, ProductVersion } from '@/types/api';
import { productKeys } from './query-keys';
import { isNotFound } from '@/lib/api-error';

type UpdateProductInput = {
  id: number;
  data: ProductUpdate;
  /** The version (`versionOf`) the change is based on: if the product changed since, the
   * API answers 412 and changes nothing. */
  ifMatch?: ProductVersion;
};

export function updateProduct({ id, data, ifMatch }: UpdateProductInput): Promise<Product> {
  return api.patch<Product>(`products/${id}`, data, ifMatch ? { 'If-Match': ifMatch } : undefined);
}

export function useUpdateProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProduct,
    onSuccess: (saved) => {
      queryClient.setQueryData(productKeys.savedHere(saved.id), saved);
      // Show the saved product at once in every cached page that holds it, above the table too.
      queryClient.setQueriesData<ProductPage>({ queryKey: productKeys.lists() }, (page) =>
        page
          ? {
              ...page,
              items: page.items.map((item) => (item.id === saved.id ? saved : item)),
              exact_match: page.exact_match?.id === saved.id ? saved : page.exact_match,
            }
          : page,
      );
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
    onError: (error) => {
      // Deleted elsewhere: fetch the list again, so its row goes away.
      if (isNotFound(error)) {
        void queryClient.invalidateQueries({ queryKey: productKeys.all });
      }
    },
  });
}
