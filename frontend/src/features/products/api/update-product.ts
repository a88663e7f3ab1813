import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Product, ProductUpdate } from '@/types/api';
import { productKeys } from './query-keys';

export function updateProduct({ id, data }: { id: number; data: ProductUpdate }): Promise<Product> {
  return api.patch<Product>(`products/${id}`, data);
}

export function useUpdateProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProduct,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productKeys.all }),
  });
}
