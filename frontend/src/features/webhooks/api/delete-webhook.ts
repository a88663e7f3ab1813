import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api';
import { webhookKeys } from './query-keys';

/** How a delete ended: `already-gone` when the webhook had been deleted before (a 404). */
export type DeleteWebhookResult = 'deleted' | 'already-gone';

export async function deleteWebhook(id: number): Promise<DeleteWebhookResult> {
  try {
    await api.delete(`webhooks/${id}`);
    return 'deleted';
  } catch (error) {
    // Deleted elsewhere: what was asked for is done.
    if (error instanceof ApiError && error.status === 404) return 'already-gone';
    throw error;
  }
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteWebhook,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
}
