/** The JSON client: JSON in and out, errors as `ApiError` with the API's `detail`. */
import { ApiError, isAbortError, isNotFound } from './api-error';
import { authHeaders, authTicket, reportAccepted, reportUnauthorized } from './auth';
import { buildUrl, errorDetail, jsonOrText, type QueryParams } from './http';

export { ApiError } from './api-error';
export { buildUrl } from './http';

type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (e.g. `If-Match`). */
  headers?: Record<string, string>;
};

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  return jsonOrText(await response.text());
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal, headers } = options;
  const ticket = authTicket();
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
    if (isAbortError(error)) throw error;
    throw new ApiError(0, undefined);
  }
  if (response.status === 401) reportUnauthorized(ticket);
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new ApiError(response.status, errorDetail(text));
  }
  reportAccepted();
  return (await parseBody(response)) as T;
}

/** How a DELETE ended: `already-gone` when it had been deleted before (a 404, e.g. in another tab
 * or by a second press): what was asked for is done either way. */
export type DeleteResult = 'deleted' | 'already-gone';

/** `headers`: e.g. `If-Match`, to delete only the version named. */
export async function deleteIfPresent(path: string, headers?: Record<string, string>): Promise<DeleteResult> {
  try {
    await request<void>(path, { method: 'DELETE', headers });
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already-gone';
    throw error;
  }
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) =>
    request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  patch: <T>(path: string, body: unknown, headers?: Record<string, string>) =>
    request<T>(path, { method: 'PATCH', body, headers }),
  delete: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};
