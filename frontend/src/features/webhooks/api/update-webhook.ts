import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isNotFound } from '@/lib/api-error';
import type { Webhook, WebhookUpdate } from '@/types/api';
import { webhookKeys } from './query-keys';

type UpdateWebhookInput = {
  id: number;
  data: WebhookUpdate;
  /** The version (`versionOf`) the change is based on: if the webhook changed since, the
   * API answers 412 and changes nothing. */
  ifMatch?: string;
};

export function updateWebhook({ id, data, ifMatch }: UpdateWebhookInput): Promise<Webhook> {
  return api.patch<Webhook>(`webhooks/${id}`, data, ifMatch ? { 'If-Match': ifMatch } : undefined);
}

export function useUpdateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebhook,
    onSuccess: (saved) => {
      queryClient.setQueryData(webhookKeys.savedHere(saved.id), saved);
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
