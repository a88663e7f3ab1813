import type { Import, ImportStatus } from '@/types/api';

export const ACTIVE_STATUSES: readonly ImportStatus[] = ['queued', 'running'];

export function isActive(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item && ACTIVE_STATUSES.includes(item.status));
}

/** Completed, failed or cancelled: the import will not change again. */
export function isFinished(item: Pick<Import, 'status'> | null | undefined): boolean {
  return Boolean(item) && !isActive(item);
}

/**
 * The server's messages for a file it cannot import start so (the line or the header at fault,
 * or "The file …": a quote never closed, invalid UTF-8, binary data, a missing column). Its
 * other failures say "The import failed: …" or that the worker stopped. The API has no field
 * for the kind of failure, so this follows the server's messages.
 */
const FILE_PROBLEM = /^(Line \d+\b|The file\b|The header row\b)/;

/** Failed for what is in the file: sending the same file again would fail the same way. */
export function isFileProblem(item: Pick<Import, 'status' | 'error'>): boolean {
  return item.status === 'failed' && FILE_PROBLEM.test(item.error ?? '');
}
