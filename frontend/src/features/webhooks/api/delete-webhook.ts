import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import type { Webhook } from '@/types/api';
import { webhookKeys } from './query-keys';

export function deleteWebhook({ id }: Webhook): Promise<DeleteResult> {
  return deleteIfPresent(`webhooks/${id}`);
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
