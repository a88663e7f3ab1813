import { formatNumber } from '@/lib/format';
import type { WebhookDelivery, WebhookTestResult } from '@/types/api';

type Outcome = Pick<WebhookDelivery | WebhookTestResult, 'status_code' | 'latency_ms' | 'error'>;

export function isSuccess(outcome: Outcome): boolean {
  return outcome.status_code !== null && outcome.status_code >= 200 && outcome.status_code < 300 && !outcome.error;
}

/** "200 · 12 ms", or "No answer: connection refused". */
export function describeOutcome(outcome: Outcome): string {
  const latency = outcome.latency_ms !== null && outcome.latency_ms !== undefined ? ` · ${formatNumber(outcome.latency_ms)} ms` : '';
  if (outcome.status_code === null || outcome.status_code === undefined) {
    return `No answer${outcome.error ? `: ${outcome.error}` : ''}${latency}`;
  }
  return `HTTP ${outcome.status_code}${latency}${outcome.error ? ` · ${outcome.error}` : ''}`;
}

/** `wrap`: a long error wraps onto more lines instead of being cut short. In a table cell a
 * cut-short badge still claims its whole text's width, pushing the other columns aside. */
export function OutcomeBadge({ outcome, wrap = false }: { outcome: Outcome; wrap?: boolean }) {
  const ok = isSuccess(outcome);
  return (
    <span
      className={`inline-flex max-w-full gap-1 px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        wrap ? 'items-start rounded-md' : 'items-center rounded-full'
      } ${ok ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : 'bg-red-50 text-red-800 ring-red-200'}`}
    >
      <span aria-hidden="true">{ok ? '✓' : '✕'}</span>
      <span className={wrap ? 'wrap-anywhere' : 'truncate'}>{describeOutcome(outcome)}</span>
    </span>
  );
}
