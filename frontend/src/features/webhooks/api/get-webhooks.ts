import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Webhook } from '@/types/api';
import { webhookKeys } from './query-keys';

export function getWebhooks(signal?: AbortSignal): Promise<Webhook[]> {
  return api.get<Webhook[]>('webhooks', undefined, signal);
}

export function getWebhooksQueryOptions() {
  return queryOptions({
    queryKey: webhookKeys.list(),
    queryFn: ({ signal }) => getWebhooks(signal),
    // Keeps each endpoint's "last delivery" fresh while the page is open.
    refetchInterval: 5000,
  });
}

export function useWebhooks() {
  return useQuery(getWebhooksQueryOptions());
}
