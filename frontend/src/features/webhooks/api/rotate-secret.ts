import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '@/lib/api';
import type { Webhook, WebhookSecretRotation } from '@/types/api';
import { webhookKeys } from './query-keys';
import { isNotFound } from '@/lib/api-error';

/** A new signing secret; the old one also signs for `keep_previous_seconds` (0: not at all). */
export function rotateSecret({ id, data }: { id: number; data: WebhookSecretRotation }): Promise<Webhook> {
  return api.post<Webhook>(`webhooks/${id}/rotate-secret`, data);
}

/**
 * A 409: a rotation under way (the secret replaced last time still signs) refuses one that keeps
 * a secret. What the card showed may be up to a poll old, and the browser's clock may differ.
 */
export function isRotationUnderWay(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

export function useRotateSecret() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateSecret,
    onSuccess: (saved) => {
      // The new secret at once; the refetch also replaces a poll answered before the rotation.
      queryClient.setQueryData<Webhook[]>(webhookKeys.list(), (list) =>
        list?.map((item) => (item.id === saved.id ? saved : item)),
      );
      void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
      // The deliveries are left alone: a rotation changes no attempt, and no pending retry.
    },
    onError: async (error) => {
      // As after a delete: the list drops the card, and its delivery log is fetched anew.
      if (isNotFound(error)) void queryClient.invalidateQueries({ queryKey: webhookKeys.all });
      // Awaited: the caller's own onError then sees until when the earlier rotation runs.
      if (isRotationUnderWay(error)) await queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
    },
  });
}
