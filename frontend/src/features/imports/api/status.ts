import type { Import, ImportStatus } from '@/types/api';

export const ACTIVE_STATUSES: readonly ImportStatus[] = ['queued', 'running'];

export function isActive(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item && ACTIVE_STATUSES.includes(item.status));
}

/** Completed, failed or cancelled: the import will not change again. */
export function isFinished(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item) && !isActive(item);
}
