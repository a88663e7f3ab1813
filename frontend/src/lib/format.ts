const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : integer.format(value);
}

/** "1 row", "2,000 rows": the count and its noun, plural unless there is one. */
export function formatCount(count: number, noun: string): string {
  return `${formatNumber(count)} ${count === 1 ? noun : `${noun}s`}`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** In decimal units (1 MB = 1,000,000 bytes), as the docs and file managers count a file. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  // 999,999 bytes is "1.0 MB", not "1000 kB".
  while (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(value < 10 ? 1 : 0)) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || !Number.isFinite(totalSeconds)) return '—';
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeWithSeconds = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'medium' });

function formatWith(format: Intl.DateTimeFormat, value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : format.format(date);
}

export function formatDateTime(value: string | null | undefined): string {
  return formatWith(dateTime, value);
}

/** With the seconds: for a log whose entries can be seconds apart (retries). */
export function formatDateTimeWithSeconds(value: string | null | undefined): string {
  return formatWith(dateTimeWithSeconds, value);
}

/** A URL's scheme, then its user info: the authority (up to the path, query or fragment) up to its
 * last `@`, as browsers read it. */
const URL_USER_INFO = /^([a-z][a-z\d+.-]*:\/\/)([^/?#\\]*)@/i;

/** The URL as written, with the password in it hidden (`http://user:•••@host/path`): a URL is shown
 * where a secret is not. */
export function hideUrlPassword(url: string): string {
  const match = URL_USER_INFO.exec(url);
  if (!match) return url;
  const [matched, scheme, userInfo] = match;
  const colon = userInfo.indexOf(':');
  if (colon === -1 || colon === userInfo.length - 1) return url;
  return `${scheme}${userInfo.slice(0, colon)}:•••@${url.slice(matched.length)}`;
}
