import { changedFields } from '@/lib/changed-fields';
import { saveErrorToFormErrors } from '@/lib/form-errors';
import { formatNumber, hideUrlPassword } from '@/lib/format';
import type { Rebased } from '@/lib/rebased-values';
import { characterCount } from '@/lib/text';
import {
  WEBHOOK_EVENTS,
  type Webhook,
  type WebhookCreate,
  type WebhookEvent,
  type WebhookUpdate,
} from '@/types/api';

/** The API's limits, in characters. */
const LIMITS = { url: 2048, description: 1000 } as const;

export type WebhookFormValues = {
  url: string;
  /** The events this UI knows, each a checkbox. */
  events: WebhookEvent[];
  /** Events of the webhook this UI does not know (a newer API than this bundle): sent back as they were. */
  otherEvents: string[];
  enabled: boolean;
  description: string;
};
export type WebhookFormErrors = Partial<Record<keyof WebhookFormValues | 'form', string>>;

export function emptyWebhookValues(): WebhookFormValues {
  return { url: '', events: ['import.completed', 'import.failed'], otherEvents: [], enabled: true, description: '' };
}

export function webhookToValues(webhook: Webhook): WebhookFormValues {
  return {
    url: webhook.url,
    // The read schema types events as plain strings.
    events: WEBHOOK_EVENTS.filter((event) => webhook.events.includes(event)),
    otherEvents: webhook.events.filter((event) => !isKnownEvent(event)),
    enabled: webhook.enabled,
    description: webhook.description ?? '',
  };
}

function isKnownEvent(event: string): event is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(event);
}

export function validateWebhook(values: WebhookFormValues): WebhookFormErrors {
  const errors: WebhookFormErrors = {};
  const url = values.url.trim();
  if (!url) {
    errors.url = 'URL is required.';
  } else if (characterCount(url) > LIMITS.url) {
    errors.url = `The URL can have at most ${formatNumber(LIMITS.url)} characters.`;
  } else {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname) {
      errors.url = 'Enter a full http:// or https:// URL.';
    }
  }
  if (values.events.length === 0 && values.otherEvents.length === 0) errors.events = 'Choose at least one event.';
  if (characterCount(values.description.trim()) > LIMITS.description) {
    errors.description = `The description can have at most ${formatNumber(LIMITS.description)} characters.`;
  }
  return errors;
}

export function valuesToPayload(values: WebhookFormValues): WebhookCreate {
  return {
    url: values.url.trim(),
    // In the list's order, however they were ticked: the same events are no change. The API
    // knows the others even if this type does not.
    events: [...WEBHOOK_EVENTS.filter((event) => values.events.includes(event)), ...values.otherEvents] as WebhookEvent[],
    enabled: values.enabled,
    description: values.description.trim() || null,
  };
}

/** Only what differs from `original` (see `changedFields`): saving a description of an endpoint
 * disabled meanwhile must not enable it again, and an unchanged URL is not checked again. */
export function webhookChanges(values: WebhookFormValues, original: WebhookFormValues): WebhookUpdate {
  return changedFields(valuesToPayload(values), valuesToPayload(original));
}

const FIELDS = ['url', 'events', 'enabled', 'description'] as const;

const FIELD_NAMES: Record<(typeof FIELDS)[number], string> = {
  url: 'URL',
  events: 'events',
  enabled: 'enabled',
  description: 'description',
};

/** The person's changes (what differs from `started`) on top of the `current` values, and which
 * fields were changed elsewhere: `keptYours` names those the person changed too (their value is
 * in the form, so they can see and choose before saving). Events are merged one by one: each
 * ticked or unticked here is so, the others are as they are now. */
export function rebaseValues(
  values: WebhookFormValues,
  started: WebhookFormValues,
  current: WebhookFormValues,
): Rebased<WebhookFormValues> {
  const mine = webhookChanges(values, started);
  const theirs = webhookChanges(current, started);
  const overTheirs = webhookChanges(values, current);
  const rebased: WebhookFormValues = {
    ...current,
    events: WEBHOOK_EVENTS.filter((event) =>
      (values.events.includes(event) !== started.events.includes(event) ? values : current).events.includes(event),
    ),
  };
  const keptYours: string[] = [];
  for (const field of ['url', 'enabled', 'description'] as const) {
    if (!(field in mine)) continue;
    Object.assign(rebased, { [field]: values[field] });
    if (field in theirs && field in overTheirs) keptYours.push(FIELD_NAMES[field]);
  }
  const changedElsewhere = FIELDS.filter((field) => field in theirs).map((field) => FIELD_NAMES[field]);
  return { values: rebased, changedElsewhere, keptYours };
}

export const CHANGED_ELSEWHERE =
  'This webhook was changed elsewhere (another edit, a secret rotation or an automatic disable) since this dialog opened, so nothing was saved. Load the current values: your changes stay on top of them.';

/** What an edit, or the delivery log, of a webhook deleted meanwhile (a 404) says. */
export const WEBHOOK_GONE = 'This webhook no longer exists: it was deleted elsewhere.';

/** What a card's switch or Test says about its webhook deleted meanwhile; the card then goes. */
export function webhookGone(webhook: Pick<Webhook, 'url'>): string {
  return `The webhook for ${hideUrlPassword(webhook.url)} no longer exists: it was deleted elsewhere.`;
}

/** Maps an API error onto the form (see `saveErrorToFormErrors`). */
export function apiErrorToFormErrors(error: unknown): WebhookFormErrors {
  return saveErrorToFormErrors(error, FIELDS, { changedElsewhere: CHANGED_ELSEWHERE, gone: WEBHOOK_GONE });
}
