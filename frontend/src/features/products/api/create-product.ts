import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Product, ProductCreate } from '@/types/api';
import { productKeys } from './query-keys';

export function createProduct(data: ProductCreate): Promise<Product> {
  return api.post<Product>('products', data);
}

export function useCreateProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProduct,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
