import { Button } from '@/components/button';
import { FormAlert } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { useToast } from '@/components/toast';
import type { Import } from '@/types/api';
import { useCancelImport } from '../api/cancel-import';
import { isUnknownImport } from '../api/get-import';
import { useLiveImport } from '../hooks/use-live-import';
import { ImportProgress } from './import-progress';

type WatchedImportProps = {
  id: string;
  /** Followed over its event stream (see `useStreamedImports`); polled otherwise. */
  streamed: boolean;
  onRetry: (item: Import) => void;
  /** A file is uploading: Retry waits for it. */
  uploading: boolean;
  /** Started from this page just now (see `ImportProgress`). */
  justStarted: boolean;
  /** Asked for from the history (see `ImportProgress`). */
  focusRequestKey?: string;
};

function ImportLoadFailure({ error, onRetry }: { error: Error; onRetry: () => void }) {
  if (isUnknownImport(error)) {
    return <FormAlert>This import was not found. It may have been made on another server, or the link is wrong.</FormAlert>;
  }
  return (
    <FormAlert>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>Could not load the import: {error.message}</span>
        <Button variant="secondary" onClick={onRetry}>
          Retry
        </Button>
      </div>
    </FormAlert>
  );
}

/** One import on the Import page, kept current (see `useLiveImport`). */
export function WatchedImport({ id, streamed, onRetry, uploading, justStarted, focusRequestKey }: WatchedImportProps) {
  const { item, error, connection, refetch } = useLiveImport(id, { stream: streamed });
  const cancelImport = useCancelImport();
  const toast = useToast();

  if (!item) {
    return error ? (
      <ImportLoadFailure error={error} onRetry={refetch} />
    ) : (
      <div className="flex justify-center py-6">
        <Spinner label="Loading the import" />
      </div>
    );
  }

  return (
    <ImportProgress
      item={item}
      connection={connection}
      updateFailure={error?.message}
      // No toast when the request is accepted: the card says "Cancelling…" until the import
      // stops, and a toast arriving after the final state would contradict it.
      onCancel={() =>
        cancelImport.mutate(item.id, {
          onError: (failure) => toast.error(`Could not cancel: ${failure.message}`),
        })
      }
      isCancelling={cancelImport.isPending || cancelImport.isSuccess}
      onRetry={() => onRetry(item)}
      isRetryPending={uploading}
      takeLostFocus={justStarted}
      focusRequestKey={focusRequestKey}
    />
  );
}
