/** Times as the API sends them (ISO 8601 strings, or null). */

/** The time in milliseconds since the epoch; NaN when there is none or it is not a time. */
export function timeOf(value: string | null | undefined): number {
  return value ? new Date(value).getTime() : Number.NaN;
}

export function isInTheFuture(value: string | null | undefined): boolean {
  const time = timeOf(value);
  return Number.isFinite(time) && time > Date.now();
}

/** Whether the API time `a` is later than `b`, to the microsecond the API sends (a `Date` keeps
 * milliseconds only): of two versions of a row, by their `updated_at`, which is the newer. */
export function isLater(a: string, b: string): boolean {
  const [aMs, aMicros] = timestampKey(a);
  const [bMs, bMicros] = timestampKey(b);
  return aMs > bMs || (aMs === bMs && aMicros > bMicros);
}

/** An API timestamp as a sortable key: its milliseconds, then the microseconds `Date` drops. */
function timestampKey(timestamp: string): [number, number] {
  const micros = Number((timestamp.match(/\.(\d+)/)?.[1] ?? '').padEnd(6, '0').slice(3, 6));
  return [Date.parse(timestamp), micros];
}
