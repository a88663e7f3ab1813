import type { Import, ImportStatus } from '@/types/api';

export const ACTIVE_STATUSES: readonly ImportStatus[] = ['queued', 'running'];

export function isActive(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item && ACTIVE_STATUSES.includes(item.status));
}

/** Completed, failed or cancelled: the import will not change again. */
export function isFinished(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item) && !isActive(item);
}

/** Failed for what is in the file (the API's `error_kind`): sending the same file again would fail
 * the same way. */
export function isFileProblem(item: Pick<Import, 'status' | 'error_kind'>): boolean {
  return item.status === 'failed' && item.error_kind === 'file';
}

/** The rows a completed import applied: created, updated, or found as the file has them already
 * (a file imported again applied every row). Skipped rows are not applied. */
export function appliedRows(item: Pick<Import, 'created' | 'updated' | 'unchanged'>): number {
  return item.created + item.updated + item.unchanged;
}
