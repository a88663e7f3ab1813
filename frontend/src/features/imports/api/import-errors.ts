import { buildUrl } from '@/lib/api';

/** The CSV report of the rows an import skipped (a download link). */
export function getImportErrorsUrl(id: string): string {
  return buildUrl(`imports/${encodeURIComponent(id)}/errors.csv`);
}
