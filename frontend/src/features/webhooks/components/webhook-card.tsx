import { useRef, useState } from 'react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { useFocusMovedOnRemoval } from '@/components/focus-after-removal';
import { Switch } from '@/components/switch';
import { useToast } from '@/components/toast';
import { isNotFound } from '@/lib/api-error';
import { formatDateTime, hideUrlPassword } from '@/lib/format';
import type { Webhook } from '@/types/api';
import { useTestWebhook } from '../api/test-webhook';
import { useUpdateWebhook } from '../api/update-webhook';
import { describeOutcome, OutcomeBadge, ResponseExcerpt } from './delivery-status';
import { useStillAhead } from '../hooks/use-still-ahead';
import { webhookGone } from './webhook-form';
import { WebhookHealth } from './webhook-health';
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
  // A test's result tells how the URL it was sent to answered: once the URL is edited, it says
  // nothing of the new one.
  const [testedUrl, setTestedUrl] = useState<string | null>(null);
  const testShown = testedUrl === webhook.url;
  const headingId = `webhook-${webhook.id}-url`;
  const disabledId = `webhook-${webhook.id}-disabled`;
  const shownUrl = hideUrlPassword(webhook.url);
  const item = useRef<HTMLLIElement>(null);
  // Deleted elsewhere, the card goes when the list is fetched again (after a 404 to its switch,
  // Test or an edit): the keyboard focus must not fall to the page.
  useFocusMovedOnRemoval(item, 'li');

  return (
    <li
      ref={item}
      aria-labelledby={headingId}
      // The switch's name stays "Enabled" on or off: the card says it is off, beside its name.
      aria-describedby={webhook.enabled ? undefined : disabledId}
      className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="webhook-card"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <h2 id={headingId} className="min-w-0 font-mono text-sm font-semibold break-all text-slate-900">
              {shownUrl}
            </h2>
            {!webhook.enabled && (
              <Badge tone="slate" id={disabledId} testId="webhook-disabled">
                Disabled
              </Badge>
            )}
          </div>
          {webhook.description && <p className="mt-0.5 text-sm wrap-anywhere text-slate-600">{webhook.description}</p>}
        </div>
        <Switch
          checked={webhook.enabled}
          label="Enabled"
          showLabel
          hiddenContext={shownUrl}
          pending={update.isPending}
          itemAction="enabled"
          onChange={(enabled) =>
            update.mutate(
              { id: webhook.id, data: { enabled } },
              {
                onSuccess: () => toast.success(`Webhook ${enabled ? 'enabled' : 'disabled'}.`),
                onError: (error) =>
                  isNotFound(error)
                    ? toast.info(webhookGone(webhook))
                    : toast.error(`Could not update the webhook: ${error.message}`),
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
      <WebhookHealth webhook={webhook} />

      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        {/* Test sends are not events: they are in the delivery log, not here. */}
        <span>Last event delivery:</span>
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
          label={shownUrl}
          revealed={secretRevealed}
          onRevealedChange={(revealed) => setRevealedSecret(revealed ? webhook.secret : null)}
          actions={
            <Button
              size="sm"
              variant="secondary"
              onClick={() => onRotateSecret((saved) => setRevealedSecret(saved.secret))}
              data-item-action="rotate-secret"
            >
              Rotate secret<span className="sr-only"> for {shownUrl}</span>
            </Button>
          }
        />
        <PreviousSecretNote until={webhook.previous_secret_expires_at} />
      </div>

      {test.data && testShown && (
        <div className="space-y-1">
          <p
            role="status"
            data-testid="webhook-test-result"
            className={`rounded-md px-3 py-2 text-sm ring-1 ${test.data.ok ? 'bg-emerald-50 text-emerald-900 ring-emerald-200' : 'bg-red-50 text-red-900 ring-red-200'}`}
          >
            Test {test.data.ok ? 'succeeded' : 'failed'}: {describeOutcome(test.data)}
          </p>
          <ResponseExcerpt excerpt={test.data.response_excerpt} />
        </div>
      )}
      {/* A 404 (deleted elsewhere) is said by a toast: the card goes. */}
      {test.isError && testShown && !isNotFound(test.error) && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 ring-1 ring-red-200">
          Could not run the test: {test.error.message}
        </p>
      )}

      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          onClick={() => {
            setTestedUrl(webhook.url);
            test.mutate(webhook.id, {
              onError: (error) => {
                if (isNotFound(error)) toast.info(webhookGone(webhook));
              },
            });
          }}
          pending={test.isPending}
          data-item-action="test"
        >
          Test<span className="sr-only"> {shownUrl}</span>
        </Button>
        <Button size="sm" variant="secondary" onClick={onShowDeliveries} data-item-action="deliveries">
          Delivery log<span className="sr-only"> for {shownUrl}</span>
        </Button>
        <Button size="sm" variant="secondary" onClick={onEdit} data-item-action="edit">
          Edit<span className="sr-only"> {shownUrl}</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="text-red-700 hover:bg-red-50"
          onClick={onDelete}
          data-item-action="delete"
        >
          Delete<span className="sr-only"> {shownUrl}</span>
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
