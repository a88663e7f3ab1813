/** Errors of the API client, as `ApiError` with the API's `detail` in people's words. */
import { getToken } from './auth';
import { asSentence } from './text';

/** A 401, in people's words: the API's own text names the HTTP header to send. */
export const TOKEN_NEEDED = 'This server needs an API token.';
export const TOKEN_REFUSED = 'The server did not accept the API token.';

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

/** A 422's message for people: without the validator's prefix, as a sentence (the API's own
 * validators' messages start in lower case, e.g. "must not contain the NUL character"). */
function tidyMessage(message: string): string {
  return asSentence(message.replace(/^Value error, /, ''));
}

function describeDetail(status: number, detail: unknown): string {
  if (status === 401) return getToken() ? TOKEN_REFUSED : TOKEN_NEEDED;
  if (typeof detail === 'string' && detail) return asSentence(detail);
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

/**
 * A failure that asking again later can mend: no connection, a timeout (408), the rate limiter
 * (429), a server restarting (5xx). Any other answer (a 4xx) will not change by itself: an unknown
 * id stays unknown, a 401 waits for a token. The rule of every retry; each caller sets its pace.
 */
export function isPassingFailure(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500)
  );
}

/** A failure that passes (see `isPassingFailure`) worth a quick retry (within a second or two):
 * not the rate limiter's (429), which asks to wait, and would count each quick retry against the
 * limit. Those are asked again at a caller's slower pace (a poll, a backoff). */
export function isWorthRetryingSoon(error: unknown): boolean {
  return isPassingFailure(error) && !(error instanceof ApiError && error.status === 429);
}

/** The API answered 404: what was asked about does not exist (or no longer: deleted elsewhere). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** The API answered 412: the change named a version (`If-Match`) that is no longer the current one. */
export function isChangedSince(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

/** The error of a request (a fetch, a stream's read, an upload) that its caller aborted. */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
