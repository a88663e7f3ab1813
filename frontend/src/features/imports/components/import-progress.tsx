import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '@/components/button';
import { ProgressBar, type ProgressTone } from '@/components/progress-bar';
import { askForToken } from '@/lib/auth';
import { formatDateTime, formatDuration, formatNumber } from '@/lib/format';
import type { Import } from '@/types/api';
import { appliedRows, isActive, isFileProblem } from '../api/status';
import type { ImportConnection } from '../hooks/use-live-import';
import { useSecondsLeft, type SecondsLeft } from '../hooks/use-seconds-left';
import { CancelImport } from './cancel-import';
import { describePhase, ImportStatusBadge, isWaitingPhase } from './import-status';
import { describeOutcome, ImportSummary } from './import-summary';

type ImportProgressProps = {
  item: Import;
  onCancel?: () => void;
  isCancelling?: boolean;
  onRetry?: () => void;
  /** Another file is uploading: Retry ignores presses but keeps the keyboard focus. */
  isRetryPending?: boolean;
  /** Just started from this page: take the keyboard focus if the control that had it is gone. */
  takeLostFocus?: boolean;
  /** Scroll the card into view and give its heading the keyboard focus, whenever this changes
   * (each time the import is asked for, e.g. picked in the history). */
  focusRequestKey?: string;
  /** How the import is kept current: polling and a pause are shown while it runs. */
  connection?: ImportConnection;
  /** Why the last check for updates failed: what is shown may be out of date. */
  updateFailure?: string;
};

export function ImportProgress({
  item,
  onCancel,
  isCancelling = false,
  onRetry,
  isRetryPending = false,
  takeLostFocus = false,
  focusRequestKey,
  connection,
  updateFailure,
}: ImportProgressProps) {
  const active = isActive(item);
  // Failed or cancelled, how far it got before it stopped is no progress: nothing of it applies.
  const unapplied = endedUnapplied(item);
  const percent = item.status === 'completed' || unapplied ? 100 : Math.round(item.progress ?? 0);
  // While no update comes, a countdown from the last one would pass for live progress.
  const updatesStopped = connection === 'paused' || Boolean(updateFailure);
  const cancelling = active && (isCancelling || Boolean(item.cancel_requested));
  // Stopping, it will not run its course: the time it would have taken is no time left.
  const left = useSecondsLeft(item, active && !updatesStopped && !cancelling);
  // Once it ended, its badge says its status: the line tells how it came out instead.
  const phase = active ? (cancelling ? 'Cancelling…' : describePhase(item.phase, item.status)) : describeOutcome(item);
  const card = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = `import-${item.id}-title`;

  useEffect(() => {
    // Retry's card makes way for the new import's: the keyboard focus goes on with it, not to the page.
    if (takeLostFocus && (document.activeElement === null || document.activeElement === document.body)) {
      heading.current?.focus();
    }
  }, [takeLostFocus]);

  useEffect(() => {
    if (!focusRequestKey) return;
    // The whole card, not only its heading, comes into view; the focus has it read out.
    card.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus({ preventScroll: true });
  }, [focusRequestKey]);

  return (
    <section
      ref={card}
      aria-labelledby={titleId}
      className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2
            id={titleId}
            ref={heading}
            tabIndex={-1}
            className="truncate text-base font-semibold text-slate-900 focus:outline-none"
          >
            {item.filename}
          </h2>
          <p className="text-xs text-slate-600">
            {item.started_at
              ? `Started ${formatDateTime(item.started_at)}`
              : `${item.status === 'queued' ? 'Queued' : 'Uploaded'} ${formatDateTime(item.created_at)}`}
          </p>
          {(item.attempts ?? 0) > 1 && (
            <p className="text-xs text-amber-900" data-testid="import-restarted">
              Restarted (attempt {item.attempts}): the worker running it stopped, and it started over.
            </p>
          )}
          {/* On screen before its message, or the message would not be announced. */}
          <div role="status">
            {updateFailure && active && connection !== 'paused' && (
              <p className="text-xs text-amber-900" data-testid="import-update-failure">
                Could not check for updates ({updateFailure}). Showing the last known state.
              </p>
            )}
          </div>
        </div>
        <div className="flex items-center">
          <ConnectionNote connection={active ? connection : undefined} />
          <ImportStatusBadge status={item.status} phase={item.phase} />
        </div>
      </div>

      {connection === 'paused' && active && <UpdatesPaused />}

      <div className="space-y-2">
        <div className="flex items-baseline justify-between gap-2 text-sm">
          {/* Only the phase is announced: percent and counters change too often to read out. Once
              the import has ended, how it came out is said and announced instead. */}
          <p className="font-medium text-slate-800" data-testid="import-phase" aria-live="polite">
            {phase}
          </p>
          {!unapplied && (
            <p className="font-semibold text-slate-900 tabular-nums" data-testid="import-percent">
              {percent}%
            </p>
          )}
        </div>
        {/* Ended without applying, the bar is full (it will not move again) and grey (nothing of
            it applies): the card says why, the cancelled line or the failure's alert. */}
        <ProgressBar
          value={percent}
          valueText={unapplied ? 'Nothing applied' : undefined}
          label={`Import progress for ${item.filename}`}
          tone={barTone(item)}
          indeterminate={item.status === 'queued'}
        />
      </div>

      {/* No skipped rows here: they are counted once the import has ended (a 0 before then reads
          as none), in the summary, beside the other counts and with the link to their report. */}
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
        {/* Ended without applying, its rows were read, not imported. */}
        <Stat label={unapplied ? 'Rows read before it stopped' : 'Rows processed'} testId="import-rows">
          {formatNumber(item.processed_rows)}
          {item.total_rows !== null && item.total_rows !== undefined && (
            <span className="text-slate-600"> / {formatNumber(item.total_rows)}</span>
          )}
        </Stat>
        <Stat label="Rows per second" testId="import-speed">
          {item.rows_per_second && !endedUnapplied(item) ? formatNumber(item.rows_per_second) : '—'}
        </Stat>
        <Stat label={active ? 'Time left' : 'Duration'} testId="import-eta">
          {active ? timeLeft(left, waitingFor(item), updatesStopped, cancelling) : formatTaken(duration(item))}
          {!active && item.waited_seconds >= 1 && (
            <span className="block text-xs font-normal text-slate-600">
              incl. {formatDuration(item.waited_seconds)} waiting for other imports
            </span>
          )}
        </Stat>
      </dl>

      {active && onCancel && (
        <CancelImport filename={item.filename} onCancel={onCancel} cancelling={cancelling} focusWhenGoneId={titleId} />
      )}

      {item.status === 'completed' && <ImportSummary item={item} />}

      {item.status === 'failed' && (
        <div role="alert" className="space-y-3 rounded-md bg-red-50 p-3 text-sm text-red-900 ring-1 ring-red-200">
          <p>
            <strong>The import failed.</strong> Nothing was changed.{' '}
            {item.error ? <span className="break-words">Reason: {item.error}</span> : null}
          </p>
          {onRetry && isFileProblem(item) && (
            <p>The file needs fixing first: Retry asks for the corrected file.</p>
          )}
          {onRetry && (
            <Button variant="secondary" onClick={onRetry} pending={isRetryPending}>
              Retry
            </Button>
          )}
        </div>
      )}

      {item.warnings && item.warnings.length > 0 && (
        <div className="rounded-md bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-200">
          <p className="font-medium">Warnings</p>
          <ul className="mt-1 list-disc pl-5">
            {item.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Said when a running import's stream is down. Polled by design (another import has the only
 * stream), it is as current as it needs to be: nothing to tell. Its live region stays on screen
 * while there is nothing to say, so that the note is announced when it comes; spaced from the
 * badge by its own margin, it then takes no room. */
function ConnectionNote({ connection }: { connection?: ImportConnection }) {
  return (
    <span role="status" className="text-xs text-slate-600 not-empty:mr-2" data-testid="import-connection-note">
      {connection === 'polling' && 'Live updates unavailable: checking every second'}
    </span>
  );
}

function UpdatesPaused() {
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
      <p>Updates paused: the server refused the API token. They resume once it accepts one.</p>
      <Button variant="secondary" size="sm" onClick={askForToken}>
        Sign in
      </Button>
    </div>
  );
}

/** Once the import has ended, the bar's colour says what it applied: grey nothing (it failed, was
 * cancelled, or skipped every row), amber the file with rows skipped, green the whole file. */
function barTone(item: Import): ProgressTone {
  if (endedUnapplied(item)) return 'slate';
  if (item.status !== 'completed') return 'indigo';
  if (appliedRows(item) === 0) return 'slate';
  return item.skipped > 0 ? 'amber' : 'emerald';
}

/** Failed or cancelled: nothing of the file applies, so neither how far it got nor how fast it read
 * says anything useful. */
function endedUnapplied(item: Import): boolean {
  return item.status === 'failed' || item.status === 'cancelled';
}

function duration(item: Import): number | null {
  if (!item.started_at || !item.finished_at) return null;
  return (new Date(item.finished_at).getTime() - new Date(item.started_at).getTime()) / 1000;
}

/** A small file is read in well under a second: "0 s" beside its rows per second read as nothing. */
function formatTaken(seconds: number | null): string {
  return seconds !== null && seconds < 0.5 ? 'less than a second' : formatDuration(seconds);
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Said for the time left of an import not started yet, or waiting its turn: the API has no estimate until then. */
function waitingFor(item: Import): string | null {
  if (item.status === 'queued') return 'Not started yet';
  return isWaitingPhase(item.phase) ? 'Waiting for other imports' : null;
}

function timeLeft(left: SecondsLeft, waiting: string | null, updatesStopped: boolean, cancelling: boolean): string {
  if (updatesStopped) return 'Not known until updates resume';
  if (cancelling) return 'Stopping…';
  if (left === null) return waiting ?? 'Estimating…';
  // Counted down to nothing, the import is late on its estimate: it has not ended yet.
  if (left.seconds < 1) return left.counted ? 'a moment' : 'less than a second';
  return `about ${formatDuration(left.seconds)}`;
}
