import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import { productKeys } from './query-keys';

export function deleteProduct(id: number): Promise<DeleteResult> {
  return deleteIfPresent(`products/${id}`);
}

export function useDeleteProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteProduct,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: productKeys.all });
    },
  });
}
