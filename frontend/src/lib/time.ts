/** Times as the API sends them (ISO 8601 strings, or null). */

/** The time in milliseconds since the epoch; NaN when there is none or it is not a time. */
export function timeOf(value: string | null | undefined): number {
  return value ? new Date(value).getTime() : Number.NaN;
}

export function isInTheFuture(value: string | null | undefined): boolean {
  const time = timeOf(value);
  return Number.isFinite(time) && time > Date.now();
}
