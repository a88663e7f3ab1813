import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DataTable } from '@/components/data-table';
import { useFailureKeptWhileRetrying } from '@/hooks/use-failure-kept-while-retrying';
import { formatCount, formatDateTime, formatNumber } from '@/lib/format';
import type { Import } from '@/types/api';
import { useImports } from '../api/get-imports';
import { getImportErrorsUrl } from '../api/import-errors';
import { isActive } from '../api/status';
import { useHistoryFollowsActiveImports } from '../hooks/use-history-follows-active-imports';
import { useWatchedImports } from '../hooks/use-watched-imports';
import { ImportStatusBadge } from './import-status';
import { nonZeroCounts } from './import-summary';

const PAGE_SIZE = 10;
const PAGE_PARAM = 'history_page';
const column = createColumnHelper<Import>();

export function ImportsHistory() {
  const [params, setParams] = useSearchParams();
  const parsed = Number.parseInt(params.get(PAGE_PARAM) ?? '', 10);
  const page = Number.isFinite(parsed) && parsed >= 1 ? parsed : 1;
  const imports = useImports(page, PAGE_SIZE);
  useHistoryFollowsActiveImports();
  const { ids: shownIds, show } = useWatchedImports();

  const setParam = (key: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === null) next.delete(key);
      else next.set(key, value);
      return next;
    });

  const columns = useMemo(
    () =>
      [
        column.accessor('filename', {
          header: 'File',
          cell: (info) => (
            <>
              <button
                type="button"
                className="max-w-48 truncate text-left font-medium text-indigo-700 underline-offset-2 hover:underline sm:max-w-xs"
                // Shown after the imports still running, which stay in view (as a new upload is).
                onClick={() => show(info.row.original.id, { focus: true })}
                title={`Show import ${info.getValue()}`}
              >
                <span className="sr-only">Show import</span> {info.getValue()}
              </button>
              <CompactOutcome item={info.row.original} />
            </>
          ),
        }),
        column.accessor('status', {
          header: 'Status',
          cell: (info) => <ImportStatusBadge status={info.getValue()} phase={info.row.original.phase} />,
        }),
        column.accessor('processed_rows', {
          header: 'Rows',
          meta: { className: 'text-right tabular-nums' },
          cell: (info) => formatNumber(info.row.original.total_rows ?? info.getValue()),
        }),
        column.display({
          id: 'outcome',
          header: 'Created / updated / unchanged / skipped',
          meta: { className: 'hidden md:table-cell tabular-nums whitespace-nowrap' },
          cell: (info) => {
            const item = info.row.original;
            // Counted as the import ends: zeros before then read as a file that created nothing.
            if (isActive(item)) return <NotCountedYet testId="import-outcome" />;
            return (
              <span data-testid="import-outcome">
                {formatNumber(item.created)} / {formatNumber(item.updated)} / {formatNumber(item.unchanged)} /{' '}
                {item.skipped > 0 ? (
                  <a
                    href={getImportErrorsUrl(item.id)}
                    download
                    aria-label={`Download the ${formatCount(item.skipped, 'skipped row')} of ${item.filename}`}
                    className="inline-flex min-h-6 min-w-6 items-center justify-center text-indigo-700 underline"
                  >
                    {formatNumber(item.skipped)}
                  </a>
                ) : (
                  '0'
                )}
              </span>
            );
          },
        }),
        // The earlier rows of a SKU that a later row of the same file replaced: with the counts
        // before it, they add up to the file's rows.
        column.accessor('duplicates_in_file', {
          // On two lines: the column is no wider than its counts need.
          header: () => (
            <>
              <span className="block">Duplicates</span> <span className="block">in file</span>
            </>
          ),
          meta: { className: 'hidden md:table-cell text-right tabular-nums' },
          cell: (info) => (isActive(info.row.original) ? <NotCountedYet /> : formatNumber(info.getValue())),
        }),
        column.accessor('created_at', {
          header: 'Uploaded',
          meta: { className: 'hidden sm:table-cell whitespace-nowrap' },
          cell: (info) => formatDateTime(info.getValue()),
        }),
      ] as ColumnDef<Import, unknown>[],
    [show],
  );

  // A page that failed stays failed on screen while it is asked for again (it is polled), not
  // swapped on each try for a spinner or the rows of the page before (placeholder data).
  const failure = useFailureKeptWhileRetrying(String(page), imports);
  const standIn = failure !== null && imports.isPlaceholderData;
  const data = standIn ? undefined : imports.data;

  return (
    <DataTable
      caption="Import history"
      columns={columns}
      data={data?.items ?? []}
      getRowId={(row) => row.id}
      page={page}
      pageSize={PAGE_SIZE}
      total={data?.total ?? 0}
      onPageChange={(next) => setParam(PAGE_PARAM, next > 1 ? String(next) : null)}
      isLoading={imports.isPending && !failure}
      showsPreviousPage={imports.isPlaceholderData && !standIn}
      error={failure ? `Could not load the history: ${failure.message}` : undefined}
      errorSummary="Could not load the history"
      empty="No imports yet."
      isCurrentRow={(row) => shownIds.includes(row.id)}
    />
  );
}

/** A count of a queued or running import, which the API gives once the import has ended. */
function NotCountedYet({ testId }: { testId?: string }) {
  return (
    <span data-testid={testId} title="Counted when the import ends">
      —<span className="sr-only"> counted when the import ends</span>
    </span>
  );
}

/** The counts for phones, where the columns of counts are hidden: only those that are not zero
 * (a re-import that changed nothing still tells how many rows it found unchanged). */
function CompactOutcome({ item }: { item: Import }) {
  const duplicates = item.duplicates_in_file;
  const parts = [...nonZeroCounts(item), ...(duplicates > 0 ? [`${formatCount(duplicates, 'duplicate')} in file`] : [])];
  if (parts.length === 0) return null;
  return (
    <p className="text-xs text-slate-600 tabular-nums md:hidden" data-testid="import-outcome-compact">
      {parts.join(', ')}
    </p>
  );
}
