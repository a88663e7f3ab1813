import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FormAlert } from '@/components/field';
import { useToast } from '@/components/toast';
import type { Import } from '@/types/api';
import { useCreateImport } from '../api/create-import';
import { useActiveImports } from '../api/get-active-import';
import { getCachedImport } from '../api/get-import';
import { isActive } from '../api/status';
import { FileDropZone } from './file-drop-zone';
import { UploadProgress } from './upload-progress';
import { WatchedImport } from './watched-import';

type Upload = { file: File; loaded: number; total: number; controller: AbortController };

export const IMPORT_PARAM = 'import';

/** `params` watching `ids` (in that order) instead of the imports they watched before. */
function watching(params: URLSearchParams, ids: readonly string[]): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(IMPORT_PARAM);
  for (const id of ids) next.append(IMPORT_PARAM, id);
  return next;
}

/**
 * Upload a CSV and follow its import live. The imports on screen are in the URL
 * (`?import=<id>`, repeated): a file uploaded while an import is queued or running is shown
 * after it, so the running import stays in view; finished ones make way for the new file.
 * Without any, the queued and running imports are shown, so a reload during an import keeps
 * showing it.
 */
export function ImportPanel() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const activeImports = useActiveImports();
  const watchedIds = params.getAll(IMPORT_PARAM);
  const hasWatched = watchedIds.length > 0;

  useEffect(() => {
    // Pin the imports found running on arrival into the URL, so they stay on screen once they end.
    if (!hasWatched && activeImports.length > 0) {
      const ids = activeImports.map((item) => item.id);
      setParams((currentParams) => watching(currentParams, ids), { replace: true });
    }
  }, [hasWatched, activeImports, setParams]);

  // An upload outlives the page: one that ends after the user went elsewhere must not write
  // into that page's URL. Its import is pinned again on return while it runs, or in the history.
  const onPage = useRef(false);
  useEffect(() => {
    onPage.current = true;
    return () => {
      onPage.current = false;
    };
  }, []);

  const createImport = useCreateImport();
  const toast = useToast();

  const [upload, setUpload] = useState<Upload | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [lastFile, setLastFile] = useState<{ id: string; file: File } | null>(null);
  const [startedId, setStartedId] = useState<string | null>(null);
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
      if (!onPage.current) return;
      setStartedId(created.id);
      setParams(
        (currentParams) => {
          const stillActive = currentParams
            .getAll(IMPORT_PARAM)
            .filter((id) => id !== created.id && isActive(getCachedImport(queryClient, id)));
          return watching(currentParams, [...stillActive, created.id]);
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

  return (
    <div className="space-y-4">
      <FileDropZone onFile={(file) => void start(file)} pending={upload !== null} inputRef={fileInput} />
      {uploadError && (
        <FormAlert>
          <strong>The upload was rejected.</strong> {uploadError}
        </FormAlert>
      )}
      {watchedIds.map((id) => (
        <WatchedImport key={id} id={id} onRetry={retry} uploading={upload !== null} justStarted={id === startedId} />
      ))}
      {upload && (
        <UploadProgress
          filename={upload.file.name}
          loaded={upload.loaded}
          total={upload.total}
          onAbort={() => upload.controller.abort()}
        />
      )}
    </div>
  );
}
