import { isLater } from './time';

type Versioned = { updated_at: string };

/** A row's version as the API names it in `ETag` and takes in `If-Match`: its `updated_at`, quoted. */
export function versionOf(row: Versioned): string {
  return `"${row.updated_at}"`;
}

/** The version a delete names: the one `shown`, or the one this tab `saved` since (e.g. with a
 * switch while Delete was asked for), so only a change made elsewhere refuses the delete. A newer
 * version fetched from the server is not taken: it may hold a change made elsewhere that the
 * confirmation did not show. */
export function versionToDelete<Row extends Versioned>(shown: Row, saved: Row | undefined): Row {
  return saved && isLater(saved.updated_at, shown.updated_at) ? saved : shown;
}
