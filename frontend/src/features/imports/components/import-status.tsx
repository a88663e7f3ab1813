import { asSentence } from '@/lib/text';
import type { ImportStatus } from '@/types/api';

type BadgeLook = ImportStatus | 'waiting';

/** Not doing anything yet: queued, or waiting its turn. */
const IDLE = 'bg-slate-100 text-slate-800 ring-slate-300';

const styles: Record<BadgeLook, string> = {
  queued: IDLE,
  waiting: IDLE,
  running: 'bg-indigo-50 text-indigo-800 ring-indigo-200',
  completed: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  cancelled: 'bg-amber-50 text-amber-900 ring-amber-200',
};

const labels: Record<BadgeLook, string> = {
  queued: 'Queued',
  waiting: 'Waiting',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The status, except that a running import waiting its turn is "Waiting": it does nothing yet. */
export function ImportStatusBadge({ status, phase }: { status: ImportStatus; phase?: string | null }) {
  const look: BadgeLook = status === 'running' && isWaitingPhase(phase) ? 'waiting' : status;
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${styles[look] ?? styles.queued}`}
      data-testid="import-status"
    >
      {labels[look] ?? status}
    </span>
  );
}

/** The phase of an import that waits until the imports before it have ended (one at a time
 * rebuilds the table): it has no time left to tell until then. */
const WAITING_PHASE = 'waiting for other imports';

export function isWaitingPhase(phase: string | null | undefined): boolean {
  return phase?.toLowerCase() === WAITING_PHASE;
}

/** The phases of a running import. The API's other phases ('uploading' and 'queued' while the
 * import is queued; 'completed', 'failed', 'cancelled' once it ended) are told by its status. */
const PHASES: Record<string, string> = {
  reading: 'Reading the file',
  'reading (checking each row)': 'Reading the file, checking each row',
  validating: 'Checking rows',
  [WAITING_PHASE]: 'Waiting for other imports to finish',
  merging: 'Saving products',
};

/** A person's words for the worker's phase; unknown phases are shown as they come. */
export function describePhase(phase: string | null | undefined, status: ImportStatus): string {
  if (status === 'queued') return 'Waiting for a worker';
  if (status === 'completed') return 'Done';
  if (status === 'failed') return 'Failed';
  if (status === 'cancelled') return 'Cancelled';
  if (!phase) return 'Working';
  const known = PHASES[phase.toLowerCase()];
  if (known) return known;
  return asSentence(phase.replace(/[_-]+/g, ' ').trim());
}
