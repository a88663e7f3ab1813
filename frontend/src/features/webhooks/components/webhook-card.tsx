import { useState } from 'react';
import { Button } from '@/components/button';
import { Switch } from '@/components/switch';
import { useToast } from '@/components/toast';
import { formatDateTime } from '@/lib/format';
import type { Webhook } from '@/types/api';
import { useTestWebhook } from '../api/test-webhook';
import { useUpdateWebhook } from '../api/update-webhook';
import { describeOutcome, OutcomeBadge } from './delivery-status';
import { useStillAhead } from '../hooks/use-still-ahead';
import { WebhookSecret } from './webhook-secret';

type WebhookCardProps = {
  webhook: Webhook;
  onEdit: () => void;
  onDelete: () => void;
  onShowDeliveries: () => void;
  /** Asks to rotate the secret; `onRotated` is called with the webhook and its new secret. */
  onRotateSecret: (onRotated: (saved: Webhook) => void) => void;
};

export function WebhookCard({ webhook, onEdit, onDelete, onShowDeliveries, onRotateSecret }: WebhookCardProps) {
  const toast = useToast();
  // The secret shown in full, if it is still the webhook's: one just rotated to is shown, and one
  // that changed elsewhere is hidden again.
  const [revealedSecret, setRevealedSecret] = useState<string | null>(null);
  const secretRevealed = revealedSecret !== null && revealedSecret === webhook.secret;
  const update = useUpdateWebhook();
  const test = useTestWebhook();
  const headingId = `webhook-${webhook.id}-url`;

  return (
    <li
      aria-labelledby={headingId}
      className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="webhook-card"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h3 id={headingId} className="font-mono text-sm font-semibold break-all text-slate-900">
            {webhook.url}
          </h3>
          {webhook.description && <p className="mt-0.5 text-sm wrap-anywhere text-slate-600">{webhook.description}</p>}
        </div>
        <Switch
          checked={webhook.enabled}
          showLabel
          label={webhook.enabled ? 'Enabled' : 'Disabled'}
          hiddenContext={webhook.url}
          pending={update.isPending}
          onChange={(enabled) =>
            update.mutate(
              { id: webhook.id, data: { enabled } },
              {
                onSuccess: () => toast.success(`Webhook ${enabled ? 'enabled' : 'disabled'}.`),
                onError: (error) => toast.error(`Could not update the webhook: ${error.message}`),
              },
            )
          }
        />
      </div>

      <ul className="flex flex-wrap gap-1.5" aria-label="Events">
        {webhook.events.map((event) => (
          <li key={event} className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-800">
            {event}
          </li>
        ))}
      </ul>

      {webhook.disabled_reason && (
        <p className="text-sm text-amber-900">Disabled automatically: {webhook.disabled_reason}</p>
      )}

      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <span>Last delivery:</span>
        {webhook.last_delivery_at ? (
          <>
            <OutcomeBadge
              ok={webhook.last_delivery_ok === true}
              outcome={{ status_code: webhook.last_delivery_status_code, error: webhook.last_delivery_error }}
            />
            <span className="text-xs text-slate-600">{formatDateTime(webhook.last_delivery_at)}</span>
          </>
        ) : (
          <span className="text-slate-600">none yet</span>
        )}
      </div>

      <div className="space-y-1">
        <p className="text-xs font-medium text-slate-700">Signing secret</p>
        <WebhookSecret
          secret={webhook.secret}
          label={webhook.url}
          revealed={secretRevealed}
          onRevealedChange={(revealed) => setRevealedSecret(revealed ? webhook.secret : null)}
          actions={
            <Button
              size="sm"
              variant="secondary"
              onClick={() => onRotateSecret((saved) => setRevealedSecret(saved.secret))}
              data-item-action="rotate-secret"
            >
              Rotate secret<span className="sr-only"> for {webhook.url}</span>
            </Button>
          }
        />
        <PreviousSecretNote until={webhook.previous_secret_expires_at} />
      </div>

      {test.data && (
        <p
          role="status"
          data-testid="webhook-test-result"
          className={`rounded-md px-3 py-2 text-sm ring-1 ${test.data.ok ? 'bg-emerald-50 text-emerald-900 ring-emerald-200' : 'bg-red-50 text-red-900 ring-red-200'}`}
        >
          Test {test.data.ok ? 'succeeded' : 'failed'}: {describeOutcome(test.data)}
        </p>
      )}
      {test.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200">
          Could not run the test: {test.error.message}
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <Button size="sm" onClick={() => test.mutate(webhook.id)} pending={test.isPending}>
          Test<span className="sr-only"> {webhook.url}</span>
        </Button>
        <Button size="sm" variant="secondary" onClick={onShowDeliveries}>
          Delivery log<span className="sr-only"> for {webhook.url}</span>
        </Button>
        <Button size="sm" variant="secondary" onClick={onEdit}>
          Edit<span className="sr-only"> {webhook.url}</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="text-red-700 hover:bg-red-50"
          onClick={onDelete}
          data-item-action="delete"
        >
          Delete<span className="sr-only"> {webhook.url}</span>
        </Button>
      </div>
    </li>
  );
}

/** After a rotation, while the old secret also signs events. */
function PreviousSecretNote({ until }: { until: string | null | undefined }) {
  const stillSigns = useStillAhead(until);
  if (!until || !stillSigns) return null;
  return (
    <p className="text-xs text-slate-600" data-testid="webhook-previous-secret">
      Old secret still signs until <time dateTime={until}>{formatDateTime(until)}</time>
    </p>
  );
}
