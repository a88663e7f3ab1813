import { Fragment } from 'react';
import { formatNumber } from '@/lib/format';
import { asSentence } from '@/lib/text';

/** What was answered: a delivery, a test send's result, or a webhook's last delivery (which has
 * no latency). Whether it succeeded is the API's `ok`, not worked out here. */
type Outcome = { status_code?: number | null; latency_ms?: number | null; error?: string | null };

/** One piece of an outcome's description: `fixed` pieces are ours and short ("HTTP 200",
 * "12 ms"); the others are the API's error text, of any length. */
type OutcomePart = { text: string; fixed: boolean };

function outcomeParts(outcome: Outcome): OutcomePart[] {
  const { status_code: status, error } = outcome;
  const latency =
    outcome.latency_ms !== null && outcome.latency_ms !== undefined
      ? [{ text: `${formatNumber(outcome.latency_ms)} ms`, fixed: true }]
      : [];
  if (status === null || status === undefined) {
    return [error ? { text: asSentence(error), fixed: false } : { text: 'No answer', fixed: true }, ...latency];
  }
  // "HTTP 500 Internal Server Error" says the status already.
  if (error?.startsWith(`HTTP ${status}`)) return [{ text: error, fixed: false }, ...latency];
  return [{ text: `HTTP ${status}`, fixed: true }, ...latency, ...(error ? [{ text: error, fixed: false }] : [])];
}

/**
 * "HTTP 200 · 12 ms", "HTTP 500 Internal Server Error · 30 ms", or why there was no answer:
 * "Connection refused · 3 ms". The API's errors name their kind ("timeout: no answer within
 * 10 s", "DNS failure: …"), so they are shown as they come, not after a prefix of our own.
 */
export function describeOutcome(outcome: Outcome): string {
  return outcomeParts(outcome)
    .map((part) => part.text)
    .join(' · ');
}

/** `wrap`: a long error wraps onto more lines instead of being cut short. In a table cell a
 * cut-short badge still claims its whole text's width, pushing the other columns aside. The
 * error may break anywhere, so that a long address in it does not widen the cell; "HTTP 200" and
 * "12 ms" never break ("HTT / P / 200" in a squeezed column). */
export function OutcomeBadge({ ok, outcome, wrap = false }: { ok: boolean; outcome: Outcome; wrap?: boolean }) {
  return (
    <span
      className={`inline-flex max-w-full gap-1 px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        wrap ? 'items-start rounded-md' : 'items-center rounded-full'
      } ${ok ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : 'bg-red-50 text-red-800 ring-red-200'}`}
    >
      <span aria-hidden="true">{ok ? '✓' : '✕'}</span>
      {wrap ? (
        <span className="min-w-0">
          {outcomeParts(outcome).map((part, index) => (
            <Fragment key={index}>
              {index > 0 && ' '}
              <span className={part.fixed ? 'whitespace-nowrap' : 'wrap-anywhere'}>
                {index > 0 && '· '}
                {part.text}
              </span>
            </Fragment>
          ))}
        </span>
      ) : (
        <span className="truncate">{describeOutcome(outcome)}</span>
      )}
    </span>
  );
}

/** The API keeps this much of each answer's body. */
const EXCERPT_BYTES = 1024;

/**
 * The start of the body the receiver answered (the API keeps its first KB), folded away until
 * opened: it often says why an answer was refused. Shown as text, never interpreted as HTML.
 */
export function ResponseExcerpt({ excerpt }: { excerpt: string | null | undefined }) {
  if (!excerpt?.trim()) return null;
  // A cut body ends where the API stopped keeping it (a character cut in two ends as U+FFFD).
  const cut = new TextEncoder().encode(excerpt).length >= EXCERPT_BYTES - 3;
  return (
    <details className="max-w-full text-xs" data-testid="response-excerpt">
      <summary className="cursor-pointer text-slate-700">Response body{cut ? ' (first 1 KB)' : ''}</summary>
      <pre
        // Scrolled from the keyboard too.
        tabIndex={0}
        className="mt-1 max-h-40 overflow-auto rounded bg-slate-50 p-2 font-mono whitespace-pre-wrap wrap-anywhere text-slate-800 ring-1 ring-slate-200"
      >
        {excerpt}
      </pre>
    </details>
  );
}
