import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { deleteIfPresent, type DeleteResult } from '@/lib/api';
import { isChangedSince } from '@/lib/api-error';
import { isLater } from '@/lib/time';
import type { Webhook } from '@/types/api';
import { webhookKeys } from './query-keys';
import { webhookVersion } from './update-webhook';

/** Deletes `webhook` only if it is still the version shown (`If-Match`): one changed since (by
 * another tab, a secret rotation or an automatic disable) is kept, and the API answers 412. */
export function deleteWebhook(webhook: Webhook): Promise<DeleteResult> {
  return deleteIfPresent(`webhooks/${webhook.id}`, { 'If-Match': webhookVersion(webhook) });
}

/** `webhook`, or the version of it this tab saved since (e.g. with the Enabled switch while Delete
 * was asked for): only a change made elsewhere refuses the delete. A newer version fetched from
 * the server is not taken: it may hold a change made elsewhere that the confirmation did not show. */
export function versionToDelete(queryClient: QueryClient, webhook: Webhook): Webhook {
  const saved = queryClient.getQueryData<Webhook>(webhookKeys.savedHere(webhook.id));
  return saved && isLater(saved.updated_at, webhook.updated_at) ? saved : webhook;
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (webhook: Webhook) => deleteWebhook(versionToDelete(queryClient, webhook)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
    },
    onError: (error) => {
      // Changed elsewhere: fetch the list again, so it shows the webhook as it is now.
      if (isChangedSince(error)) void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
    },
  });
}
