import { useId } from 'react';
import { Checkbox, TextField } from '@/components/field';
import { ConflictAlert } from '@/components/conflict-alert';
import { focusFirstFieldUnlessInOne } from '@/components/focus-first-field';
import { FormModal } from '@/components/form-modal';
import { useEditFormSave } from '@/hooks/use-edit-form-save';
import { useFormState } from '@/hooks/use-form-state';
import { WEBHOOK_EVENTS, type Webhook, type WebhookEvent } from '@/types/api';
import { useCreateWebhook } from '../api/create-webhook';
import { useUpdateWebhook } from '../api/update-webhook';
import { useWebhookConflictReload } from '../hooks/use-webhook-conflict-reload';
import {
  apiErrorToFormErrors,
  CHANGED_ELSEWHERE,
  emptyWebhookValues,
  validateWebhook,
  valuesToPayload,
  WEBHOOK_GONE,
  webhookChanges,
  webhookToValues,
  type WebhookFormValues,
} from './webhook-form';

const EVENT_HELP: Record<WebhookEvent, string> = {
  'import.completed': 'An import finished',
  'import.failed': 'An import failed',
  'import.cancelled': 'An import was cancelled',
  'product.created': 'A product was created',
  'product.updated': 'A product was changed',
  'product.deleted': 'A product was deleted',
  'products.deleted_all': 'All products were deleted',
};

type WebhookFormModalProps = {
  open: boolean;
  onClose: () => void;
  webhook?: Webhook | null;
};

export function WebhookFormModal({ open, onClose, webhook }: WebhookFormModalProps) {
  if (!open) return null;
  return <WebhookFormDialog key={webhook?.id ?? 'new'} onClose={onClose} webhook={webhook ?? null} />;
}

function WebhookFormDialog({ onClose, webhook }: { onClose: () => void; webhook: Webhook | null }) {
  const { values, errors, set, reset, submitWith } = useFormState<WebhookFormValues>(
    () => (webhook ? webhookToValues(webhook) : emptyWebhookValues()),
    validateWebhook,
    apiErrorToFormErrors,
  );
  const formId = webhook ? `webhook-form-${webhook.id}` : 'webhook-form-new';
  // `original`: the version the form started from, the webhook the dialog opened with (the list
  // refreshes while the dialog is open: it may be old) or the current one loaded after a
  // conflict. A save sends only what differs from it, and only if it is still current.
  const { original, conflict, gone, noteSaveError, reload, loadCurrentValues } = useWebhookConflictReload({
    webhook,
    values,
    reset,
    onLoaded: () => focusFirstFieldUnlessInOne(formId),
  });
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const { save, isSaving, dirty } = useEditFormSave({
    original,
    values,
    toValues: webhookToValues,
    emptyValues: emptyWebhookValues,
    changes: webhookChanges,
    payload: valuesToPayload,
    create,
    update,
    noteSaveError,
    savedMessage: () => 'Webhook saved.',
    createdMessage: () => 'Webhook added.',
    onClose,
  });
  const eventsId = useId();

  function toggleEvent(event: WebhookEvent, checked: boolean) {
    set(
      'events',
      checked ? [...values.events, event] : values.events.filter((existing) => existing !== event),
    );
  }

  const submit = () => submitWith(save);

  const formError = gone ? (
    WEBHOOK_GONE
  ) : conflict ? (
    <ConflictAlert message={CHANGED_ELSEWHERE} reload={reload} onLoad={() => void loadCurrentValues()} />
  ) : (
    errors.form
  );

  return (
    <FormModal
      onClose={onClose}
      title={webhook ? 'Edit webhook' : 'Add webhook'}
      description="We POST a signed JSON event to this URL when the chosen events happen."
      formId={formId}
      submitLabel={webhook ? 'Save changes' : 'Add webhook'}
      onSubmit={submit}
      isSaving={isSaving}
      formError={formError}
      dirty={dirty}
      closeOnly={gone}
    >
      {reload.message && !conflict && (
        <p role="status" className="text-sm text-slate-700">
          {reload.message}
        </p>
      )}
      <TextField
        label="Endpoint URL"
        name="url"
        type="url"
        inputMode="url"
        required
        placeholder="https://example.com/hooks/products"
        autoComplete="off"
        value={values.url}
        error={errors.url}
        onChange={(event) => set('url', event.target.value)}
      />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">
          Events<span aria-hidden="true" className="text-red-700"> *</span>
        </legend>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((name) => (
            <Checkbox
              key={name}
              name="events"
              value={name}
              checked={values.events.includes(name)}
              // Each box says what is wrong: the focus goes to the first one at fault.
              aria-invalid={errors.events ? true : undefined}
              aria-describedby={errors.events ? `${eventsId}-error` : undefined}
              onChange={(event) => toggleEvent(name, event.target.checked)}
              label={
                <span>
                  <span className="font-mono text-xs">{name}</span>
                  <span className="block text-xs text-slate-600">{EVENT_HELP[name]}</span>
                </span>
              }
            />
          ))}
        </div>
        {errors.events && (
          <p id={`${eventsId}-error`} className="mt-1 text-sm text-red-700">
            {errors.events}
          </p>
        )}
      </fieldset>
      <TextField
        label="Description"
        name="description"
        value={values.description}
        error={errors.description}
        placeholder="Optional: what listens here"
        onChange={(event) => set('description', event.target.value)}
      />
      <Checkbox
        label="Enabled"
        name="enabled"
        checked={values.enabled}
        onChange={(event) => set('enabled', event.target.checked)}
      />
    </FormModal>
  );
}
