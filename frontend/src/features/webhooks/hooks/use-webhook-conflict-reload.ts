import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useDeletedElsewhere } from '@/hooks/use-deleted-elsewhere';
import { isChangedSince } from '@/lib/api-error';
import type { Webhook } from '@/types/api';
import { getWebhook } from '../api/get-webhooks';
import { webhookKeys } from '../api/query-keys';
import { rebasedMessage, rebaseValues, webhookToValues, type WebhookFormValues } from '../components/webhook-form';

export type ConflictReload = { pending: boolean; error?: string; message?: string };

type Options = {
  /** The webhook the dialog opened with; null when adding one. */
  webhook: Webhook | null;
  /** The form's values, and how to replace them. */
  values: WebhookFormValues;
  reset: (values: WebhookFormValues) => void;
  /** Called once the current values are in the form. */
  onLoaded?: () => void;
};

/**
 * The version of the webhook an edit is based on (`original`), and the way out when a save finds
 * it changed elsewhere (412, `conflict`): `loadCurrentValues` puts the person's changes on top of
 * the current version, which then becomes the one a save is based on. The request is aborted
 * when the dialog closes first. `gone`: the save or the load found the webhook deleted elsewhere
 * (404), so nothing can be saved any more. As `useProductConflictReload` does for a product.
 */
export function useWebhookConflictReload({ webhook, values, reset, onLoaded }: Options) {
  const [original, setOriginal] = useState(webhook);
  const [conflict, setConflict] = useState(false);
  const { gone, noteIfGone } = useDeletedElsewhere();
  const [reload, setReload] = useState<ConflictReload>({ pending: false });
  const queryClient = useQueryClient();
  // The person may go on editing while the current values load: they are rebased on what is in
  // the form when the answer comes, not on what was there when the button was pressed.
  const latestValues = useRef(values);
  const request = useRef<AbortController | null>(null);

  useEffect(() => {
    latestValues.current = values;
  });

  useEffect(() => () => request.current?.abort(), []);

  /** Call with what a save threw: a 412 means the webhook changed elsewhere, a 404 that it was
   * deleted elsewhere. */
  function noteSaveError(error: unknown) {
    setConflict(isChangedSince(error));
    noteIfGone(error);
  }

  async function loadCurrentValues() {
    if (!original || request.current) return;
    const controller = new AbortController();
    request.current = controller;
    setReload({ pending: true });
    try {
      const latest = await getWebhook(original.id, controller.signal);
      const rebased = rebaseValues(latestValues.current, webhookToValues(original), webhookToValues(latest));
      setOriginal(latest);
      reset(rebased.values);
      setConflict(false);
      setReload({ pending: false, message: rebasedMessage(rebased) });
      onLoaded?.();
      // The list showed the older version too.
      void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (noteIfGone(error)) {
        setConflict(false);
        setReload({ pending: false });
        void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
      } else {
        setReload({ pending: false, error: describeLoadError(error) });
      }
    } finally {
      request.current = null;
    }
  }

  return { original, conflict, gone, noteSaveError, reload, loadCurrentValues };
}

function describeLoadError(error: unknown): string {
  return `Could not load the current values: ${error instanceof Error ? error.message : 'unknown error'}`;
}
