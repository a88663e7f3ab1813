import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isNotFound } from '@/lib/api-error';
import type { Webhook, WebhookUpdate } from '@/types/api';
import { webhookKeys } from './query-keys';

export function updateWebhook({ id, data }: { id: number; data: WebhookUpdate }): Promise<Webhook> {
  return api.patch<Webhook>(`webhooks/${id}`, data);
}

export function useUpdateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebhook,
    onSuccess: (saved) => {
      queryClient.setQueryData<Webhook[]>(webhookKeys.list(), (list) =>
        list?.map((item) => (item.id === saved.id ? saved : item)),
      );
      void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
      // Disabling cancels the pending retries (their `next_retry_at` is cleared): the delivery
      // log, cached for a few seconds, must not show them when it opens again.
      void queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(saved.id) });
    },
    onError: (error) => {
      // Deleted elsewhere: as after a delete, the list drops the card.
      if (isNotFound(error)) void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
}
