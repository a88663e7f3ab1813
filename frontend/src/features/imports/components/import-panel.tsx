import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FormAlert } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api';
import type { Import } from '@/types/api';
import { useCancelImport } from '../api/cancel-import';
import { useCreateImport } from '../api/create-import';
import { useActiveImport } from '../api/get-active-import';
import { useImport } from '../api/get-import';
import { useImportEvents } from '../api/import-events';
import { isActive } from '../api/status';
import { FileDropZone } from './file-drop-zone';
import { ImportProgress } from './import-progress';
import { UploadProgress } from './upload-progress';

type Upload = { file: File; loaded: number; total: number; controller: AbortController };

export const IMPORT_PARAM = 'import';

/**
 * Upload a CSV and follow its import live. The import being watched is in the URL
 * (`?import=<id>`); without one, a queued or running import is shown, so a reload during an
 * import keeps showing it.
 */
export function ImportPanel() {
  const [params, setParams] = useSearchParams();
  const { activeImport } = useActiveImport();
  const urlId = params.get(IMPORT_PARAM);
  const currentId = urlId ?? activeImport?.id ?? null;

  useEffect(() => {
    // Pin the running import found on arrival into the URL, so it stays on screen once it ends.
    if (!urlId && activeImport) {
      setParams(
        (currentParams) => {
          const next = new URLSearchParams(currentParams);
          next.set(IMPORT_PARAM, activeImport.id);
          return next;
        },
        { replace: true },
      );
    }
  }, [urlId, activeImport, setParams]);

  const live = useImportEvents(currentId, true);
  const current = useImport(currentId, { poll: live === 'fallback' || live === 'connecting' });
  const createImport = useCreateImport();
  const cancelImport = useCancelImport();
  const toast = useToast();

  const [upload, setUpload] = useState<Upload | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [lastFile, setLastFile] = useState<{ id: string; file: File } | null>(null);
  const [cancelRequested, setCancelRequested] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  async function start(file: File) {
    const controller = new AbortController();
    setUploadError(null);
    setUpload({ file, loaded: 0, total: file.size, controller });
    try {
      const created = await createImport.mutateAsync({
        file,
        signal: controller.signal,
        onProgress: ({ loaded, total }) =>
          setUpload((previous) => (previous ? { ...previous, loaded, total } : previous)),
      });
      setLastFile({ id: created.id, file });
      setParams(
        (currentParams) => {
          const next = new URLSearchParams(currentParams);
          next.set(IMPORT_PARAM, created.id);
          return next;
        },
        { replace: false },
      );
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') {
        toast.info('Upload stopped. Nothing was imported.');
      } else {
        setUploadError(error instanceof Error ? error.message : 'The upload failed.');
      }
    } finally {
      setUpload(null);
    }
  }

  function retry(item: Import) {
    if (lastFile && lastFile.id === item.id) void start(lastFile.file);
    else fileInput.current?.click();
  }

  function cancel(item: Import) {
    setCancelRequested(item.id);
    cancelImport.mutate(item.id, {
      onSuccess: () => toast.info('Cancelling the import…'),
      onError: (error) => {
        setCancelRequested(null);
        toast.error(`Could not cancel: ${error.message}`);
      },
    });
  }

  const item = current.data;

  return (
    <div className="space-y-4">
      <FileDropZone onFile={(file) => void start(file)} pending={upload !== null} inputRef={fileInput} />
      {uploadError && (
        <FormAlert>
          <strong>The upload was rejected.</strong> {uploadError}
        </FormAlert>
      )}
      {upload && (
        <UploadProgress
          filename={upload.file.name}
          loaded={upload.loaded}
          total={upload.total}
          onAbort={() => upload.controller.abort()}
        />
      )}
      {!upload && currentId && current.isPending && (
        <div className="flex justify-center py-6">
          <Spinner label="Loading the import" />
        </div>
      )}
      {!upload && current.isError && (
        <FormAlert>
          {current.error instanceof ApiError && current.error.status === 404
            ? 'This import was not found. It may have been made on another server, or the link is wrong.'
            : `Could not load the import: ${current.error.message}`}
        </FormAlert>
      )}
      {!upload && item && (
        <ImportProgress
          item={item}
          connection={isActive(item) ? (live === 'live' ? 'live' : live === 'fallback' ? 'polling' : null) : null}
          onCancel={() => cancel(item)}
          isCancelling={cancelRequested === item.id && isActive(item)}
          onRetry={() => retry(item)}
        />
      )}
    </div>
  );
}
