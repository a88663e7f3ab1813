import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Redelivery } from '@/types/api';
import { webhookKeys } from './query-keys';

const REFRESH_AFTER_MS = [1000, 2000, 4000];

export function redeliver(deliveryId: number): Promise<Redelivery> {
  return api.post<Redelivery>(`webhooks/deliveries/${deliveryId}/redeliver`);
}

export function useRedeliver(webhookId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: redeliver,
    onSuccess: () => {
      const refresh = () => void queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) });
      refresh();
      // A worker sends it moments later: its attempt (and the retry it replaced, withdrawn) is
      // shown then, without waiting for the log's next poll.
      for (const delay of REFRESH_AFTER_MS) window.setTimeout(refresh, delay);
    },
  });
}
