import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { isNotFound } from '@/lib/api-error';
import type { WebhookTestResult } from '@/types/api';
import { webhookKeys } from './query-keys';

/** Sends a real signed `webhook.test` event and reports the answer. */
export function testWebhook(id: number): Promise<WebhookTestResult> {
  return api.post<WebhookTestResult>(`webhooks/${id}/test`);
}

export function useTestWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: testWebhook,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
    onError: (error) => {
      // Deleted elsewhere: as after a delete, the list drops the card.
      if (isNotFound(error)) void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
  });
}
