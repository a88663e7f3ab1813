/** What the JSON client, the event stream and the upload share: the API's URLs and reading its answers. */

const API_PREFIX = '/api/v1';

export type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

export function buildUrl(path: string, query?: QueryParams): string {
  const url = path.startsWith('/') ? path : `${API_PREFIX}/${path}`;
  const search = toSearchParams(query).toString();
  return search ? `${url}?${search}` : url;
}

function toSearchParams(query?: QueryParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  return params;
}

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
export function jsonOrText(text: string): unknown {
  const payload = parseJson(text);
  return payload === NOT_JSON ? text : payload;
}

/**
 * The `detail` of an error answer, or the JSON answer itself. A body that is not JSON (an HTML
 * error page from the server or a proxy, a plain-text "Internal Server Error") is no message for
 * people: the error then says what failed in plain words, from the status.
 */
export function errorDetail(text: string): unknown {
  const payload = parseJson(text);
  if (payload === NOT_JSON) return undefined;
  return payload && typeof payload === 'object' && 'detail' in payload ? payload.detail : payload;
}
