import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Product, ProductPage, ProductUpdate } from '@/types/api';
import { productKeys } from './query-keys';

export function updateProduct({ id, data }: { id: number; data: ProductUpdate }): Promise<Product> {
  return api.patch<Product>(`products/${id}`, data);
}

export function useUpdateProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProduct,
    onSuccess: (saved) => {
      // Show the saved product at once in every cached page that holds it.
      queryClient.setQueriesData<ProductPage>({ queryKey: productKeys.lists() }, (page) =>
        page ? { ...page, items: page.items.map((item) => (item.id === saved.id ? saved : item)) } : page,
      );
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
