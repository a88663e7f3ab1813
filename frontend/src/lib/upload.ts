/** Uploads a file with XMLHttpRequest, which (unlike fetch) reports the upload's progress. */
import { ApiError } from './api-error';
import { authHeaders, authTicket, reportAccepted, reportUnauthorized } from './auth';
import { buildUrl, errorDetail, jsonOrText } from './http';
import { asSentence } from './text';

export type UploadProgress = { loaded: number; total: number };

type UploadOptions = {
  onProgress?: (progress: UploadProgress) => void;
  /** The whole body was sent: from now on the server decides, and stopping no longer undoes it. */
  onSent?: () => void;
  signal?: AbortSignal;
};

/** POSTs `file` as the multipart field `file`. */
export function uploadFile<T>(path: string, file: File, { onProgress, onSent, signal }: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const ticket = authTicket();
    xhr.open('POST', buildUrl(path));
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.upload.onload = () => onSent?.();
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        reportAccepted();
        resolve(jsonOrText(xhr.responseText) as T);
        return;
      }
      if (xhr.status === 401) reportUnauthorized(ticket);
      const detail = errorDetail(xhr.responseText);
      reject(new ApiError(xhr.status, detail, xhr.status === 413 ? uploadTooLarge(detail) : undefined));
    };
    xhr.onerror = () => reject(new ApiError(0, undefined));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

function uploadTooLarge(detail: unknown): string {
  return typeof detail === 'string' && detail ? asSentence(detail) : 'The file is larger than the server accepts.';
}
