import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { DeleteAllResult } from '@/types/api';
import { productKeys } from './query-keys';

export function deleteAllProducts(): Promise<DeleteAllResult> {
  return api.delete<DeleteAllResult>('products/all');
}

export function useDeleteAllProducts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAllProducts,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
