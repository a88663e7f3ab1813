import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { invalidateAfterCommit } from '@/lib/query-client';
import { productKeys } from './query-keys';

export function deleteProduct(id: number): Promise<void> {
  return api.delete(`products/${id}`);
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteProduct,
    onSuccess: () => invalidateAfterCommit(queryClient, productKeys.all),
  });
}
