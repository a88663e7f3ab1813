import { useConflictReload, type ConflictReloadForm } from '@/hooks/use-conflict-reload';
import type { Webhook } from '@/types/api';
import { getWebhook } from '../api/get-webhooks';
import { webhookKeys } from '../api/query-keys';
import { rebaseValues, webhookToValues, type WebhookFormValues } from '../components/webhook-form';

type Options = ConflictReloadForm<WebhookFormValues> & {
  /** The webhook the dialog opened with; null when adding one. */
  webhook: Webhook | null;
};

/** `useConflictReload` for a webhook's edit dialog. */
export function useWebhookConflictReload({ webhook, ...form }: Options) {
  return useConflictReload({
    ...form,
    row: webhook,
    fetchLatest: getWebhook,
    toValues: webhookToValues,
    rebase: rebaseValues,
    invalidateOnLoad: webhookKeys.list(),
    invalidateWhenGone: webhookKeys.all,
  });
}
