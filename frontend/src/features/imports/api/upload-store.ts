import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { ApiError, isAbortError } from '@/lib/api-error';
import type { Import } from '@/types/api';
import type { CreateImportInput } from './create-import';

/**
 * The file being uploaded, kept outside the Import page so that it outlives the page: a user who
 * goes to another page and comes back finds its progress and its Stop button again. One at a time.
 * `sent`: the whole file has been sent, and the server decides.
 */
export type Upload = { file: File; loaded: number; total: number; sent: boolean; controller: AbortController };

/** How much of the file has been sent, in whole percent (100 once all of it). */
export function uploadPercent({ loaded, total, sent }: Pick<Upload, 'loaded' | 'total' | 'sent'>): number {
  return sent ? 100 : total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
}

/**
 * How an upload ended: its import was created, the user stopped it, it was refused, or no answer
 * came after the whole file was sent (`unconfirmed`: the import may have been accepted).
 */
export type UploadOutcome =
  | { kind: 'created'; created: Import; file: File }
  | { kind: 'stopped' }
  | { kind: 'unconfirmed'; file: File }
  | { kind: 'failed'; file: File; message: string };

let upload: Upload | null = null;
/** How the last upload ended, kept while no page has taken it (see `useUploadEnd`). */
let untold: UploadOutcome | null = null;
const listeners = new Set<() => void>();
const endHandlers = new Set<(outcome: UploadOutcome) => void>();

function update(next: Upload | null) {
  if (next && !upload) window.addEventListener('beforeunload', warnBeforeUnload);
  if (!next && upload) window.removeEventListener('beforeunload', warnBeforeUnload);
  upload = next;
  for (const listener of listeners) listener();
}

/** Closing or reloading the tab would stop the upload: the browser asks first. Once the whole
 * file is sent the server goes on with it, so nothing is lost. */
function warnBeforeUnload(event: BeforeUnloadEvent) {
  if (!upload || upload.sent) return;
  event.preventDefault();
  event.returnValue = true; // browsers before 2023 ask only when this is set
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function getUpload(): Upload | null {
  return upload;
}

/** Sends `file` with `send` (the create-import mutation), unless a file is uploading already. */
export function startUpload(file: File, send: (input: CreateImportInput) => Promise<Import>): void {
  if (upload) return;
  const controller = new AbortController();
  let sent = false;
  update({ file, loaded: 0, total: file.size, sent, controller });
  send({
    file,
    signal: controller.signal,
    onProgress: ({ loaded, total }) => {
      if (upload?.controller === controller) update({ ...upload, loaded, total });
    },
    onSent: () => {
      sent = true;
      if (upload?.controller === controller) update({ ...upload, sent });
    },
  })
    .then(
      (created): UploadOutcome => ({ kind: 'created', created, file }),
      (error: unknown) => failureOutcome(error, file, sent),
    )
    .then((outcome) => {
      update(null);
      // Ended while no page listens (the user is on another page): kept for the next one. A
      // stop needs no word on return.
      untold = endHandlers.size === 0 && outcome.kind !== 'stopped' ? outcome : null;
      for (const handler of endHandlers) handler(outcome);
    });
}

function failureOutcome(error: unknown, file: File, sent: boolean): UploadOutcome {
  if (sent && noAnswerFromApi(error)) return { kind: 'unconfirmed', file };
  if (isAbortError(error)) return { kind: 'stopped' };
  return { kind: 'failed', file, message: error instanceof Error ? error.message : 'The upload failed.' };
}

/** The connection broke, the upload was stopped (the instant its last byte left), or a gateway
 * gave up waiting for the API. */
function noAnswerFromApi(error: unknown): boolean {
  return isAbortError(error) || (error instanceof ApiError && [0, 502, 504].includes(error.status));
}

/** The upload in progress, if any. */
export function useUpload(): Upload | null {
  return useSyncExternalStore(subscribe, getUpload, getUpload);
}

/**
 * Calls `onEnd` with the outcome of an upload that ends while the caller is mounted. One that
 * ended while nobody listened (the user was on another page) is handed to the next caller that
 * mounts, once, with `missed` set.
 */
export function useUploadEnd(onEnd: (outcome: UploadOutcome, missed: boolean) => void): void {
  const handle = useEffectEvent(onEnd);
  useEffect(() => {
    if (untold) {
      const outcome = untold;
      untold = null;
      handle(outcome, true);
    }
    const handler = (outcome: UploadOutcome) => handle(outcome, false);
    endHandlers.add(handler);
    return () => {
      endHandlers.delete(handler);
    };
  }, []);
}
