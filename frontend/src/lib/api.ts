/** The one HTTP client: JSON in and out, errors as `ApiError` with the API's `detail`. */
import { authHeaders, reportUnauthorized } from './auth';
import { EventStreamParser, type StreamEvent } from './event-stream';

export const API_PREFIX = '/api/v1';

export type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

/** One field problem from a 422 answer, with its location reduced to the field name. */
export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly detail: unknown;

  constructor(status: number, detail: unknown, message?: string) {
    super(message ?? describeDetail(status, detail));
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }

  /** The per-field messages of a FastAPI validation error (422), if any. */
  get fieldErrors(): FieldError[] {
    if (!Array.isArray(this.detail)) return [];
    return this.detail.flatMap((item: unknown) => {
      if (!item || typeof item !== 'object') return [];
      const { loc, msg } = item as { loc?: unknown; msg?: unknown };
      if (typeof msg !== 'string') return [];
      const path = Array.isArray(loc) ? loc.filter((part) => part !== 'body' && part !== 'query') : [];
      return [{ field: path.length ? String(path[path.length - 1]) : '', message: tidyMessage(msg) }];
    });
  }
}

function tidyMessage(message: string): string {
  return message.replace(/^Value error, /, '');
}

function describeDetail(status: number, detail: unknown): string {
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((item: { msg?: string; loc?: unknown[] }) => {
        const field = Array.isArray(item.loc) ? item.loc[item.loc.length - 1] : undefined;
        const message = tidyMessage(item.msg ?? 'is invalid');
        return field && typeof field === 'string' ? `${field}: ${message}` : message;
      })
      .join('; ');
  }
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status >= 500) return `The server failed (${status}). Try again.`;
  return `The request failed (HTTP ${status}).`;
}

export function buildUrl(path: string, query?: QueryParams): string {
  const url = path.startsWith('/') ? path : `${API_PREFIX}/${path}`;
  const search = toSearchParams(query).toString();
  return search ? `${url}?${search}` : url;
}

export function toSearchParams(query?: QueryParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params;
}

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (e.g. `If-Match`). */
  headers?: Record<string, string>;
};

const NOT_JSON = Symbol('not JSON');

/** The JSON value of a body's text (undefined when empty), or NOT_JSON. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** A successful answer's body: its JSON value, or the text itself when it is not JSON. */
function jsonOrText(text: string): unknown {
  const payload = parseJson(text);
  return payload === NOT_JSON ? text : payload;
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  return jsonOrText(await response.text());
}

/**
 * The `detail` of an error answer, or the JSON answer itself. A body that is not JSON (an HTML
 * error page from the server or a proxy, a plain-text "Internal Server Error") is no message for
 * people: the error then says what failed in plain words, from the status.
 */
function errorDetail(text: string): unknown {
  const payload = parseJson(text);
  if (payload === NOT_JSON) return undefined;
  return payload && typeof payload === 'object' && 'detail' in payload ? payload.detail : payload;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal, headers } = options;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      signal,
      headers: {
        Accept: 'application/json',
        ...authHeaders(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, undefined);
  }
  if (response.status === 401) reportUnauthorized();
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new ApiError(response.status, errorDetail(text));
  }
  return (await parseBody(response)) as T;
}

/** How a DELETE ended: `already-gone` when it had been deleted before (a 404, e.g. in another tab
 * or by a second press): what was asked for is done either way. */
export type DeleteResult = 'deleted' | 'already-gone';

export async function deleteIfPresent(path: string): Promise<DeleteResult> {
  try {
    await request<void>(path, { method: 'DELETE' });
    return 'deleted';
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return 'already-gone';
    throw error;
  }
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) =>
    request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body: unknown, headers?: Record<string, string>) =>
    request<T>(path, { method: 'PATCH', body, headers }),
  delete: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};

type StreamOptions = {
  /** Sent as `Last-Event-ID`, so the server resumes after the last event seen. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** The server accepted the stream (2xx `text/event-stream`). */
  onOpen?: () => void;
  onEvent: (event: StreamEvent) => void;
};

/**
 * Reads a Server-Sent Events stream with `fetch()`, so the API token goes in the
 * `Authorization` header as on every other request (`EventSource` cannot send one).
 * Resolves with the last event id when the server ends the stream; rejects with `ApiError`
 * when it refuses it or the connection breaks, and with an `AbortError` when `signal` aborts.
 */
export async function streamEvents(path: string, options: StreamOptions): Promise<string> {
  const { lastEventId, signal, onOpen, onEvent } = options;
  const aborted = () => new DOMException('The stream was closed.', 'AbortError');
  let response: Response;
  try {
    response = await fetch(buildUrl(path), {
      signal,
      cache: 'no-store',
      headers: {
        Accept: 'text/event-stream',
        ...authHeaders(),
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
      },
    });
  } catch (error) {
    if (signal?.aborted || (error instanceof DOMException && error.name === 'AbortError')) throw aborted();
    throw new ApiError(0, undefined);
  }
  if (response.status === 401) reportUnauthorized();
  const type = response.headers.get('Content-Type') ?? '';
  if (!response.ok || !response.body || !type.startsWith('text/event-stream')) {
    const text = await response.text().catch(() => '');
    throw new ApiError(response.ok ? 0 : response.status, response.ok ? undefined : errorDetail(text));
  }

  const reader = response.body.getReader();
  // Stop reading on abort even where the body does not follow the request's signal.
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  const parser = new EventStreamParser(lastEventId);
  let ended = false;
  onOpen?.();
  try {
    for (;;) {
      if (signal?.aborted) throw aborted();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted || (error instanceof DOMException && error.name === 'AbortError')) throw aborted();
        throw new ApiError(0, undefined);
      }
      if (signal?.aborted) throw aborted();
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      for (const event of parser.push(text, chunk.done)) {
        onEvent(event);
        if (signal?.aborted) throw aborted();
      }
      if (chunk.done) {
        ended = true;
        return parser.lastEventId;
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (!ended) cancel();
  }
}

export type UploadProgress = { loaded: number; total: number };

/**
 * POST a file as multipart form data with XMLHttpRequest, which (unlike fetch) reports the
 * upload's byte progress.
 */
export function uploadFile<T>(
  path: string,
  file: File,
  options: { field?: string; onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<T> {
  const { field = 'file', onProgress, signal } = options;
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', buildUrl(path));
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(jsonOrText(xhr.responseText) as T);
        return;
      }
      if (xhr.status === 401) reportUnauthorized();
      const detail = errorDetail(xhr.responseText);
      reject(new ApiError(xhr.status, detail, xhr.status === 413 ? uploadTooLarge(detail) : undefined));
    };
    xhr.onerror = () => reject(new ApiError(0, undefined));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append(field, file, file.name);
    xhr.send(form);
  });
}

function uploadTooLarge(detail: unknown): string {
  return typeof detail === 'string' && detail ? detail : 'The file is larger than the server accepts.';
}
