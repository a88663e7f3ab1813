import { FormAlert } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api';
import type { Import } from '@/types/api';
import { useCancelImport } from '../api/cancel-import';
import { useImport } from '../api/get-import';
import { useImportEvents } from '../api/import-events';
import { isActive } from '../api/status';
import { ImportProgress } from './import-progress';

type WatchedImportProps = {
  id: string;
  onRetry: (item: Import) => void;
  /** A file is uploading: Retry waits for it. */
  uploading: boolean;
  /** Started from this page just now (see `ImportProgress`). */
  justStarted: boolean;
};

/** One import on the Import page, followed live (polling while the live stream is down). */
export function WatchedImport({ id, onRetry, uploading, justStarted }: WatchedImportProps) {
  const live = useImportEvents(id, true);
  const current = useImport(id, { poll: live === 'fallback' || live === 'connecting' });
  const cancelImport = useCancelImport();
  const toast = useToast();

  if (current.isPending) {
    return (
      <div className="flex justify-center py-6">
        <Spinner label="Loading the import" />
      </div>
    );
  }
  if (current.isError) {
    return (
      <FormAlert>
        {current.error instanceof ApiError && current.error.status === 404
          ? 'This import was not found. It may have been made on another server, or the link is wrong.'
          : `Could not load the import: ${current.error.message}`}
      </FormAlert>
    );
  }

  const item = current.data;
  return (
    <ImportProgress
      item={item}
      connection={isActive(item) ? (live === 'live' ? 'live' : live === 'fallback' ? 'polling' : null) : null}
      // No toast when the request is accepted: the card says "Cancelling…" until the import
      // stops, and a toast arriving after the final state would contradict it.
      onCancel={() =>
        cancelImport.mutate(item.id, {
          onError: (error) => toast.error(`Could not cancel: ${error.message}`),
        })
      }
      isCancelling={cancelImport.isPending || cancelImport.isSuccess}
      onRetry={() => onRetry(item)}
      isRetryPending={uploading}
      takeLostFocus={justStarted}
    />
  );
}
