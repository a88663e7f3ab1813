import { formatCount, formatNumber } from '@/lib/format';
import type { Import } from '@/types/api';
import { getImportErrorsUrl } from '../api/import-errors';
import { appliedRows } from '../api/status';

const SUMMARY_LOOKS = {
  success: { box: 'bg-emerald-50 ring-emerald-200', text: 'text-emerald-900', value: 'text-emerald-950' },
  warning: { box: 'bg-amber-50 ring-amber-200', text: 'text-amber-900', value: 'text-amber-950' },
};

/** A completed import's counts, and its error report. How it came out is said above its bar
 * (`describeOutcome`). */
export function ImportSummary({ item }: { item: Import }) {
  const rows: [string, number][] = [
    ['Created', item.created],
    ['Updated', item.updated],
    ['Unchanged', item.unchanged],
    ['Skipped', item.skipped],
    ['Duplicates in file', item.duplicates_in_file],
  ];
  const applied = appliedRows(item) > 0;
  const look = applied && item.skipped === 0 ? SUMMARY_LOOKS.success : SUMMARY_LOOKS.warning;
  return (
    <div className={`space-y-3 rounded-md p-3 ring-1 ${look.box}`} data-testid="import-summary">
      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt className={`text-xs ${look.text}`}>{label}</dt>
            <dd className={`font-semibold tabular-nums ${look.value}`}>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
      {item.skipped > 0 ? (
        <a
          href={getImportErrorsUrl(item.id)}
          download
          className="inline-block text-sm font-medium text-indigo-700 underline hover:text-indigo-900"
        >
          Download the error report ({formatCount(item.skipped, 'skipped row')})
        </a>
      ) : (
        applied && <p className={`text-sm ${look.text}`}>No rows were skipped.</p>
      )}
    </div>
  );
}

/** How an import that ended came out, in place of its phase (and so announced): what a completed
 * one applied, with the counts that are not zero, or why it applied nothing. A failure is told by
 * its alert. */
export function describeOutcome(item: Import): string | null {
  if (item.status === 'cancelled') return 'The import was cancelled. Nothing was changed.';
  if (item.status !== 'completed') return null;
  if (appliedRows(item) === 0) return nothingImported(item);
  const parts = nonZeroCounts(item, (count) => `${formatCount(count, 'row')} skipped`);
  return `Import complete: ${parts.join(', ')}.`;
}

/** The import's counts that are not zero, in words ("1,200 created"), the skipped rows last, as
 * `describeSkipped` words them. */
export function nonZeroCounts(
  item: Import,
  describeSkipped = (count: number) => `${formatNumber(count)} skipped`,
): string[] {
  const parts = (['created', 'updated', 'unchanged'] as const)
    .filter((kind) => item[kind] > 0)
    .map((kind) => `${formatNumber(item[kind])} ${kind}`);
  return item.skipped > 0 ? [...parts, describeSkipped(item.skipped)] : parts;
}

/** A completed import that applied no row is no success: every SKU's last row was skipped, or there were
 * no rows. The rows not skipped were then earlier rows of those SKUs, replaced by the skipped ones. */
function nothingImported(item: Import): string {
  if (item.skipped === 0) return 'Nothing was imported: the file has no data rows, only a header.';
  const rows = item.total_rows ?? item.skipped + item.duplicates_in_file;
  let skipped: string;
  if (rows === 1) skipped = 'its only row was skipped';
  else if (item.skipped === rows) skipped = `all ${formatNumber(rows)} rows were skipped`;
  else
    skipped =
      `${formatNumber(item.skipped)} of its ${formatNumber(rows)} rows were skipped, and each other row ` +
      'was an earlier row of a SKU whose last row was skipped';
  return `Nothing was imported: ${skipped}. The error report says why.`;
}
