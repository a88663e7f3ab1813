import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import { isChangedSince } from '@/lib/api-error';
import { versionOf, versionToDelete } from '@/lib/versions';
import type { Webhook } from '@/types/api';
import { webhookKeys } from './query-keys';

/** Deletes `webhook` only if it is still the version shown (`If-Match`): one changed since (by
 * another tab, a secret rotation or an automatic disable) is kept, and the API answers 412. */
export function deleteWebhook(webhook: Webhook): Promise<DeleteResult> {
  return deleteIfPresent(`webhooks/${webhook.id}`, { 'If-Match': versionOf(webhook) });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (webhook: Webhook) => {
      const savedHere = queryClient.getQueryData<Webhook>(webhookKeys.savedHere(webhook.id));
      return deleteWebhook(versionToDelete(webhook, savedHere));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
    onError: (error) => {
      // Changed elsewhere: fetch the list again, so it shows the webhook as it is now.
      if (isChangedSince(error)) void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
    },
  });
}
