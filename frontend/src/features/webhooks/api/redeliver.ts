import { useMutation, useMutationState, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Redelivery } from '@/types/api';
import { webhookKeys } from './query-keys';

export function redeliver(deliveryId: number): Promise<Redelivery> {
  return api.post<Redelivery>(`webhooks/deliveries/${deliveryId}/redeliver`);
}

export function useRedeliver(webhookId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: webhookKeys.redeliveries(webhookId),
    mutationFn: redeliver,
    // The log is then asked for often for a few seconds (see `useDeliveries`).
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) }),
  });
}

/** When the last redelivery to the webhook was queued (ms since the epoch), 0 if none lately. */
export function useLastRedelivery(webhookId: number): number {
  const times = useMutationState({
    filters: { mutationKey: webhookKeys.redeliveries(webhookId), status: 'success' },
    select: (mutation) => mutation.state.submittedAt,
  });
  return Math.max(0, ...times);
}
