import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { webhookKeys } from './query-keys';

export function redeliver(deliveryId: number): Promise<unknown> {
  return api.post<unknown>(`webhooks/deliveries/${deliveryId}/redeliver`);
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
