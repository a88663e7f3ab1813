import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { FormAlert } from '@/components/field';
import type { Import } from '@/types/api';
import { useCreateImport } from '../api/create-import';
import { useActiveImports } from '../api/get-active-import';
import { importKeys } from '../api/query-keys';
import { isFileProblem } from '../api/status';
import { startUpload, useUpload, useUploadEnd } from '../api/upload-store';
import { useStreamedImports } from '../hooks/use-streamed-imports';
import { useWatchedImports } from '../hooks/use-watched-imports';
import { FileDropZone } from './file-drop-zone';
import { UploadProgress } from './upload-progress';
import { WatchedImport } from './watched-import';

/**
 * Upload a CSV and follow its import live. The imports on screen are in the URL
 * (`?import=<id>`, repeated): a file uploaded while an import is queued or running is shown
 * after it, so the running import stays in view; finished ones make way for the new file.
 * Every import queued or running is shown too, after those in the URL: a reload during an import
 * keeps showing it, and one started elsewhere (another tab, the command line) appears.
 */
export function ImportPanel() {
  const { ids: watchedIds, show, pin, focusRequest } = useWatchedImports();
  const streamedIds = useStreamedImports(watchedIds);
  const activeImports = useActiveImports();

  useEffect(() => {
    // Pinned into the URL, so they stay on screen once they end.
    const unwatched = (activeImports ?? []).filter((item) => !watchedIds.includes(item.id));
    if (unwatched.length > 0) pin(unwatched.map((item) => item.id));
  }, [activeImports, watchedIds, pin]);

  const createImport = useCreateImport();
  const queryClient = useQueryClient();

  // The upload outlives the page: on return it is shown again, still running. The page on
  // screen when it ends shows how it ended; one that ends while the user is on another page
  // writes nothing into that page's URL: on return, a refusal is shown, and its import is
  // pinned again while it runs, or in the history (Retry still sends the same file).
  const upload = useUpload();
  const [uploadError, setUploadError] = useState<{ filename: string; message: string } | null>(null);
  const [unconfirmed, setUnconfirmed] = useState<string | null>(null);
  const [stopped, setStopped] = useState(false);
  const [lastFile, setLastFile] = useState<{ id: string; file: File } | null>(null);
  const [startedId, setStartedId] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useUploadEnd((outcome, missed) => {
    if (outcome.kind === 'created') {
      setLastFile({ id: outcome.created.id, file: outcome.file });
      if (missed) return;
      setStartedId(outcome.created.id);
      show(outcome.created.id);
    } else if (outcome.kind === 'stopped') {
      // Kept on the page, where the upload's card was: a toast is easily missed.
      setStopped(true);
    } else if (outcome.kind === 'unconfirmed') {
      setUnconfirmed(outcome.file.name);
      void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
    } else {
      setUploadError({ filename: outcome.file.name, message: outcome.message });
    }
  });

  function start(file: File) {
    setUploadError(null);
    setUnconfirmed(null);
    setStopped(false);
    startUpload(file, createImport.mutateAsync);
  }

  /** The same file again, unless it is the file that failed (or it is not at hand, after a
   * reload): then a file is chosen, the corrected one. */
  function retry(item: Import) {
    if (lastFile && lastFile.id === item.id && !isFileProblem(item)) start(lastFile.file);
    else fileInput.current?.click();
  }

  return (
    <div className="space-y-4">
      <FileDropZone onFile={start} pending={upload !== null} inputRef={fileInput} />
      {uploadError && (
        <FormAlert>
          {/* Named: the previous file's import may be shown right below. */}
          <strong>The upload of {uploadError.filename} was rejected.</strong> {uploadError.message}
        </FormAlert>
      )}
      {unconfirmed && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200">
          <strong>{unconfirmed} was sent, but the server's answer was lost.</strong> Its import may have been
          accepted: look for it in the history below before uploading the file again.
        </p>
      )}
      {stopped && (
        <p role="status" className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-800 ring-1 ring-slate-200">
          Upload stopped. Nothing was imported.
        </p>
      )}
      {watchedIds.map((id) => (
        <WatchedImport
          key={id}
          id={id}
          streamed={streamedIds.includes(id)}
          onRetry={retry}
          uploading={upload !== null}
          justStarted={id === startedId}
          focusRequestKey={focusRequest?.id === id ? focusRequest.key : undefined}
        />
      ))}
      {upload && (
        <UploadProgress
          filename={upload.file.name}
          loaded={upload.loaded}
          total={upload.total}
          sent={upload.sent}
          onAbort={() => {
            upload.controller.abort();
            // Stop goes with the upload's card: focus waits where the next file is chosen.
            fileInput.current?.focus();
          }}
        />
      )}
    </div>
  );
}
