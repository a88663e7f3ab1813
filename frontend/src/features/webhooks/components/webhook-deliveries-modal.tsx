import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Button } from '@/components/button';
import { DataTable } from '@/components/data-table';
import { Modal } from '@/components/modal';
import { useToast } from '@/components/toast';
import { isNotFound } from '@/lib/api-error';
import { formatDateTimeWithSeconds, hideUrlPassword } from '@/lib/format';
import { isInTheFuture } from '@/lib/time';
import type { Webhook, WebhookDelivery } from '@/types/api';
import { useDeliveries } from '../api/get-deliveries';
import { useRedeliver } from '../api/redeliver';
import { OutcomeBadge, ResponseExcerpt } from './delivery-status';
import { WEBHOOK_GONE } from './webhook-form';

const PAGE_SIZE = 20;
const column = createColumnHelper<WebhookDelivery>();

function deliveryColumns(webhookId: number): ColumnDef<WebhookDelivery, unknown>[] {
  return [
    column.accessor('created_at', {
      header: 'When',
      cell: (info) => (
        <>
          <span className="text-xs md:text-sm md:whitespace-nowrap">{formatDateTimeWithSeconds(info.getValue())}</span>
          {/* On a phone, or zoomed in (200% in a 1280 px window is 640 px), the Event and Attempt
              columns are hidden: show them here. */}
          <span className="block text-xs text-slate-600 md:hidden">
            <span className="font-mono">{info.row.original.event_type}</span>{' '}
            <span className="whitespace-nowrap">· attempt {info.row.original.attempt}</span>
          </span>
        </>
      ),
    }),
    column.accessor('event_type', {
      header: 'Event',
      meta: { className: 'hidden md:table-cell' },
      cell: (info) => (
        <>
          <span className="font-mono text-xs">{info.getValue()}</span>
          {/* The receiver gets it as the webhook-id header: it ties this row to its logs. */}
          <span className="block font-mono text-[11px] break-all text-slate-600" data-testid="delivery-event-id">
            {info.row.original.event_id}
          </span>
        </>
      ),
    }),
    column.accessor('attempt', { header: 'Attempt', meta: { className: 'hidden md:table-cell' } }),
    column.display({
      id: 'result',
      header: 'Result',
      cell: (info) => {
        const delivery = info.row.original;
        return (
          // Redeliver sits under the result on a phone, at the end of the row on wider screens.
          <div className="flex flex-col items-start gap-1 md:flex-row md:justify-between md:gap-3">
            <div className="min-w-0 space-y-1">
              <OutcomeBadge ok={delivery.ok} outcome={delivery} wrap />
              {delivery.next_retry_at && (
                <RetryTime at={delivery.next_retry_at} retry={laterAttempt(delivery, info.table.getCoreRowModel().rows)} />
              )}
              <ResponseExcerpt excerpt={delivery.response_excerpt} />
            </div>
            <RedeliverButton webhookId={webhookId} delivery={delivery} />
          </div>
        );
      },
    }),
  ] as ColumnDef<WebhookDelivery, unknown>[];
}

/** The listed attempt that retried `delivery` (the same event's next attempt), if any. */
function laterAttempt(delivery: WebhookDelivery, rows: { original: WebhookDelivery }[]): WebhookDelivery | undefined {
  return rows
    .map((row) => row.original)
    .find((other) => other.event_id === delivery.event_id && other.attempt === delivery.attempt + 1);
}

/** A retry already made (its attempt is listed) says when; one whose time has passed is due (or was made
 * in an attempt on another page); only one still ahead is "next". */
function RetryTime({ at, retry }: { at: string; retry?: WebhookDelivery }) {
  const [label, time] = retry
    ? ['Retried', retry.created_at]
    : [isInTheFuture(at) ? 'Next retry' : 'Retry due', at];
  return (
    <p className="text-xs text-slate-600">
      {label} {formatDateTimeWithSeconds(time)}
    </p>
  );
}

// A test send is not redelivered (the API refuses it): the webhook card's Test sends a new one.
const TEST_EVENT = 'webhook.test';

function RedeliverButton({ webhookId, delivery }: { webhookId: number; delivery: WebhookDelivery }) {
  const redeliver = useRedeliver(webhookId);
  const toast = useToast();
  if (delivery.event_type === TEST_EVENT) return null;
  return (
    <Button
      size="sm"
      variant="secondary"
      className="shrink-0"
      pending={redeliver.isPending}
      data-item-action="redeliver"
      onClick={() =>
        redeliver.mutate(delivery.id, {
          onSuccess: () => toast.success(`Redelivery of ${delivery.event_type} queued.`),
          onError: (error) => toast.error(`Could not redeliver: ${error.message}`),
        })
      }
    >
      Redeliver<span className="sr-only"> {delivery.event_type} attempt {delivery.attempt}</span>
    </Button>
  );
}

export function WebhookDeliveriesModal({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  if (!webhook) return null;
  return <DeliveriesDialog key={webhook.id} webhook={webhook} onClose={onClose} />;
}

function DeliveriesDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const [page, setPage] = useState(1);
  const deliveries = useDeliveries(webhook.id, page, PAGE_SIZE, { poll: true });
  // Built once per webhook: cells that changed on every render would replace the rows' buttons
  // (and lose the keyboard focus on them) each time the log refreshes.
  const columns = useMemo(() => deliveryColumns(webhook.id), [webhook.id]);
  // The rows from before the webhook was deleted (elsewhere) are no more to act on: their
  // retries will not be made and Redeliver would be refused.
  const gone = deliveries.isError && isNotFound(deliveries.error);
  const shown = gone ? undefined : deliveries.data;

  return (
    <Modal
      open
      onClose={onClose}
      size="xl"
      title="Delivery log"
      description={<span className="break-all">{hideUrlPassword(webhook.url)}</span>}
    >
      <DataTable
        caption={`Deliveries to ${hideUrlPassword(webhook.url)}`}
        columns={columns}
        data={shown?.items ?? []}
        getRowId={(row) => String(row.id)}
        page={page}
        pageSize={PAGE_SIZE}
        total={shown?.total ?? 0}
        onPageChange={setPage}
        isLoading={deliveries.isPending}
        showsPreviousPage={deliveries.isPlaceholderData}
        error={
          gone
            ? WEBHOOK_GONE
            : deliveries.isError
              ? `Could not load deliveries: ${deliveries.error.message}`
              : undefined
        }
        errorSummary={gone ? 'Webhook deleted' : 'Could not load deliveries'}
        empty="No deliveries yet. Use Test to send one."
      />
    </Modal>
  );
}
