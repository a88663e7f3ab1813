import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { webhookKeys } from './query-keys';

export function deleteWebhook(id: number): Promise<void> {
  return api.delete(`webhooks/${id}`);
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
