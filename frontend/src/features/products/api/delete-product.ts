import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api';
import { productKeys } from './query-keys';

/** How a delete ended: `already-gone` when the product had been deleted before (a 404). */
export type DeleteProductResult = 'deleted' | 'already-gone';

export async function deleteProduct(id: number): Promise<DeleteProductResult> {
  try {
    await api.delete(`products/${id}`);
    return 'deleted';
  } catch (error) {
    // Deleted elsewhere (another tab, a second press): what was asked for is done.
    if (error instanceof ApiError && error.status === 404) return 'already-gone';
    throw error;
  }
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
