import { keepPreviousData, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '@/lib/api';
import { isNotFound } from '@/lib/api-error';
import { usePollingAllowed } from '@/lib/auth';
import type { WebhookDeliveryPage } from '@/types/api';
import { webhookKeys } from './query-keys';
import { useLastRedelivery } from './redeliver';

const POLL_MS = 3000;
/** After a Redeliver, a worker sends the event moments later: its attempt (and the retry it
 * replaced, withdrawn) is shown then, the log being asked for every second for a few seconds. */
const AFTER_REDELIVERY_MS = 1000;
const REDELIVERY_RECENT_MS = 5000;

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

/** The log of a webhook, polled while `poll`. A 404 says the webhook was deleted (elsewhere):
 * the log is not asked for again, and the list is, so that its card goes. */
export function useDeliveries(webhookId: number, page: number, pageSize: number, options: { poll?: boolean } = {}) {
  const pollingAllowed = usePollingAllowed();
  const redeliveredAt = useLastRedelivery(webhookId);
  const queryClient = useQueryClient();
  const query = useQuery({
    ...getDeliveriesQueryOptions(webhookId, page, pageSize),
    // Asked again after each answer: the pace goes back to the poll's once the redelivery is old.
    refetchInterval: (current) => {
      if (!pollingAllowed || isNotFound(current.state.error)) return false;
      if (Date.now() - redeliveredAt < REDELIVERY_RECENT_MS) return AFTER_REDELIVERY_MS;
      return options.poll ? POLL_MS : false;
    },
  });
  const gone = isNotFound(query.error);
  useEffect(() => {
    if (gone) void queryClient.invalidateQueries({ queryKey: webhookKeys.list() });
  }, [gone, queryClient]);
  return query;
}
