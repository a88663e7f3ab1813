import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Webhook, WebhookCreate } from '@/types/api';
import { webhookKeys } from './query-keys';

export function createWebhook(data: WebhookCreate): Promise<Webhook> {
  return api.post<Webhook>('webhooks', data);
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhook,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
    },
  });
}
