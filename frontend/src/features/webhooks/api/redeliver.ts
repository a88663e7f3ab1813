import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Redelivery } from '@/types/api';
import { webhookKeys } from './query-keys';

export function redeliver(deliveryId: number): Promise<Redelivery> {
  return api.post<Redelivery>(`webhooks/deliveries/${deliveryId}/redeliver`);
}

export function useRedeliver(webhookId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: redeliver,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) });
    },
  });
}
