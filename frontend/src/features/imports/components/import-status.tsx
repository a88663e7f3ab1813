import { Badge, type BadgeTone } from '@/components/badge';
import { asSentence } from '@/lib/text';
import type { ImportStatus } from '@/types/api';

type BadgeLook = ImportStatus | 'waiting';

const tones: Record<BadgeLook, BadgeTone> = {
  // Not doing anything yet: queued, or waiting its turn.
  queued: 'slate',
  waiting: 'slate',
  running: 'indigo',
  completed: 'emerald',
  failed: 'red',
  cancelled: 'amber',
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
    <Badge tone={tones[look] ?? tones.queued} testId="import-status">
      {labels[look] ?? status}
    </Badge>
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

/** A person's words for the phase of an import still to end; unknown phases are shown as they come. */
export function describePhase(phase: string | null | undefined, status: ImportStatus): string {
  if (status === 'queued') return 'Waiting for a worker';
  if (!phase) return 'Working';
  const known = PHASES[phase.toLowerCase()];
  if (known) return known;
  return asSentence(phase.replace(/[_-]+/g, ' ').trim());
}
