import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { invalidateAfterCommit } from '@/lib/query-client';
import { webhookKeys } from './query-keys';

export function redeliver(deliveryId: number): Promise<unknown> {
  return api.post<unknown>(`webhooks/deliveries/${deliveryId}/redeliver`);
}

export function useRedeliver(webhookId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: redeliver,
    onSuccess: () => invalidateAfterCommit(queryClient, webhookKeys.deliveries(webhookId)),
  });
}
