import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { usePollingAllowed } from '@/lib/auth';
import type { Webhook } from '@/types/api';
import { webhookKeys } from './query-keys';

/** Keeps each endpoint's "last delivery" fresh while the page is open. */
const POLL_INTERVAL_MS = 5000;

export function getWebhooks(signal?: AbortSignal): Promise<Webhook[]> {
  return api.get<Webhook[]>('webhooks', undefined, signal);
}

/** One webhook as it is now (e.g. to rebase an edit on, after a 412). */
export function getWebhook(id: number, signal?: AbortSignal): Promise<Webhook> {
  return api.get<Webhook>(`webhooks/${id}`, undefined, signal);
}

export function getWebhooksQueryOptions() {
  return queryOptions({
    queryKey: webhookKeys.list(),
    queryFn: ({ signal }) => getWebhooks(signal),
  });
}

export function useWebhooks() {
  const pollingAllowed = usePollingAllowed();
  return useQuery({ ...getWebhooksQueryOptions(), refetchInterval: pollingAllowed ? POLL_INTERVAL_MS : false });
}
