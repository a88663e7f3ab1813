import { formatDateTime } from '@/lib/format';
import { isLater } from '@/lib/time';
import type { Webhook } from '@/types/api';

type Health = { state: 'failing' | 'slow'; since: string };

/** After how long a failing endpoint is disabled is a server setting the API does not give, so
 * the note names no time. */
const NOTES = {
  failing: {
    lead: 'Failing since',
    consequence: 'deliveries go one at a time; disabled automatically if it keeps failing',
    colour: 'text-red-800',
  },
  slow: {
    lead: 'Slow to answer since',
    consequence: 'deliveries go one at a time',
    colour: 'text-amber-900',
  },
} as const;

/** Why the endpoint gets one delivery at a time, if it does. A disabled endpoint gets none (its
 * `disabled_reason` says why). */
function deliveryHealth(webhook: Webhook): Health | null {
  if (!webhook.enabled) return null;
  if (webhook.failing_since) return { state: 'failing', since: webhook.failing_since };
  if (webhook.slow_since && answeredSince(webhook.slow_since, webhook.last_delivery_at)) {
    return { state: 'slow', since: webhook.slow_since };
  }
  return null;
}

/** An endpoint is marked slow when it is made or given a new URL, before anything is sent to it:
 * only an attempt since then says it is. A slow answer is logged in the same transaction that
 * marks the endpoint, so at the same time or later. */
function answeredSince(slowSince: string, lastDeliveryAt: string | null | undefined): boolean {
  return Boolean(lastDeliveryAt && !isLater(slowSince, lastDeliveryAt));
}

/** "Failing since …" or "Slow to answer since …", and what that does to its deliveries. */
export function WebhookHealth({ webhook }: { webhook: Webhook }) {
  const health = deliveryHealth(webhook);
  if (!health) return null;
  const note = NOTES[health.state];
  return (
    <p className={`text-sm ${note.colour}`} data-testid="webhook-health">
      {note.lead} <time dateTime={health.since}>{formatDateTime(health.since)}</time> · {note.consequence}
    </p>
  );
}
