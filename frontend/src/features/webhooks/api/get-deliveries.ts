import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api';
import { usePollingAllowed } from '@/lib/auth';
import type { WebhookDeliveryPage } from '@/types/api';
import { webhookKeys } from './query-keys';

export function getDeliveries(
  { webhookId, page, pageSize }: { webhookId: number; page: number; pageSize: number },
  signal?: AbortSignal,
): Promise<WebhookDeliveryPage> {
  return api.get<WebhookDeliveryPage>(`webhooks/${webhookId}/deliveries`, { page, page_size: pageSize }, signal);
}

export function getDeliveriesQueryOptions(webhookId: number, page: number, pageSize: number) {
  return queryOptions({
    queryKey: webhookKeys.deliveriesPage(webhookId, page, pageSize),
    queryFn: ({ signal }) => getDeliveries({ webhookId, page, pageSize }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDeliveries(webhookId: number, page: number, pageSize: number, options: { poll?: boolean } = {}) {
  const pollingAllowed = usePollingAllowed();
  const poll = Boolean(options.poll) && pollingAllowed;
  return useQuery({ ...getDeliveriesQueryOptions(webhookId, page, pageSize), refetchInterval: poll ? 3000 : false });
}
