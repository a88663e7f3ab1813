import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type Row,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import { useRef, type ReactNode } from 'react';
import { formatNumber } from '@/lib/format';
import { useFocusMovedOnRemoval } from './focus-after-removal';
import { focusKeepingProps } from './focus-keeping';
import { Spinner } from './spinner';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Classes for this column's header and cells (e.g. hide on small screens). */
    className?: string;
  }
}

export type Sort = { id: string; desc: boolean } | null;

/** The header of a column of row actions (buttons): named for screen readers only. */
export function ActionsHeader() {
  return <span className="sr-only">Actions</span>;
}

export type DataTableProps<T> = {
  caption: string;
  columns: ColumnDef<T, unknown>[];
  data: T[];
  getRowId: (row: T) => string;
  sort: Sort;
  onSortChange: (sort: Sort) => void;
  page: number;
  pageSize: number;
  total: number;
  /** The total is the server's estimate: say "about", and do not offer a jump to the last page. */
  totalIsEstimate?: boolean;
  /** With `totalIsEstimate`: the total is a lower bound (counting stopped at a cap), so there are
   * at least that many: say "more than" one less. */
  totalIsLowerBound?: boolean;
  /** Overrides "is there a next page?" when the total is only an estimate. */
  hasNextPage?: boolean;
  onPageChange: (page: number) => void;
  onPageSizeChange?: (pageSize: number) => void;
  pageSizeOptions?: number[];
  isLoading?: boolean;
  /** The rows are the previous page's while the asked-for page loads (the query's
   * `isPlaceholderData`): they stay on screen, dimmed. A background refresh of the same
   * page does not dim them. */
  showsPreviousPage?: boolean;
  empty?: ReactNode;
  /** Why the rows could not be loaded: shown in their place, or, when rows from an earlier
   * answer are on screen (a background refresh failed), on a line above them. */
  error?: ReactNode;
  /** What the pager's live region says while `error` stands in for the rows. */
  errorSummary?: string;
  /** Marks the rows shown elsewhere on the page (e.g. in a card above): `aria-current` and a cue. */
  isCurrentRow?: (row: T) => boolean;
};

/** An estimated count to 2 significant figures (18,003 is "about 18,000"): its other digits mean
 * nothing. Below 100 it is said as it is. */
function roughly(count: number): number {
  if (count < 100) return count;
  const step = 10 ** (Math.floor(Math.log10(count)) - 1);
  return Math.round(count / step) * step;
}

/**
 * The one data table: TanStack Table with pagination and sorting done by the server (its state
 * is owned by the caller, usually in the URL).
 */
export function DataTable<T>({
  caption,
  columns,
  data,
  getRowId,
  sort,
  onSortChange,
  page,
  pageSize,
  total,
  totalIsEstimate = false,
  totalIsLowerBound = false,
  hasNextPage,
  onPageChange,
  onPageSizeChange,
  pageSizeOptions = [25, 50, 100, 200],
  isLoading = false,
  showsPreviousPage = false,
  empty = 'Nothing to show.',
  error,
  errorSummary = 'Could not load',
  isCurrentRow,
}: DataTableProps<T>) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const sorting: SortingState = sort ? [sort] : [];

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableSortingRemoval: true,
    enableMultiSort: false,
    sortDescFirst: false,
    pageCount,
    rowCount: total,
    state: { sorting, pagination: { pageIndex: page - 1, pageSize } },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      onSortChange(next[0] ? { id: next[0].id, desc: next[0].desc } : null);
    },
  });

  const shown = data.length;
  const first = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = totalIsEstimate ? first + shown - 1 : Math.min(total, page * pageSize);
  const canNext = hasNextPage ?? page < pageCount;
  const lowerBound = totalIsEstimate && totalIsLowerBound;
  const about = lowerBound ? 'more than ' : totalIsEstimate ? 'about ' : '';
  // "More than 10,000" for a count that stopped at 10,001.
  const totalShown = lowerBound ? total - 1 : totalIsEstimate ? roughly(total) : total;
  const pagesInTotal = Math.max(1, Math.ceil(totalShown / pageSize));
  // An estimated total can be short of the pages that exist; an empty page cannot.
  const pagesShown = lowerBound
    ? Math.max(Math.floor((total - 1) / pageSize), page - 1)
    : shown === 0
      ? pagesInTotal
      : Math.max(pagesInTotal, page);
  const rows = table.getRowModel().rows;
  // No answer yet (a deep link's first page): how many rows and pages there are is not known;
  // nor after a first answer that failed.
  const waiting = isLoading && shown === 0;
  const countUnknown = shown === 0 && (isLoading || Boolean(error));
  const notYet = (label: string) => (waiting ? `${label}: available once this page has loaded.` : undefined);

  return (
    <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      {error && rows.length > 0 && (
        <div
          role="status"
          data-testid="refresh-failure"
          className="border-b border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          {error}
        </div>
      )}
      <div className="relative overflow-x-auto" aria-busy={showsPreviousPage || isLoading}>
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const canSort = header.column.getCanSort();
                  const direction = header.column.getIsSorted();
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      aria-sort={
                        direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined
                      }
                      className={`px-2 py-2.5 text-left font-semibold sm:px-3 whitespace-nowrap text-slate-700 ${header.column.columnDef.meta?.className ?? ''}`}
                    >
                      {canSort ? (
                        <button
                          type="button"
                          onClick={header.column.getToggleSortingHandler()}
                          className="-mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-slate-950"
                        >
                          {label}
                          <SortIcon direction={direction} />
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody
            className={`divide-y divide-slate-100 transition-opacity ${showsPreviousPage && !isLoading ? 'opacity-60' : ''}`}
          >
            {rows.map((row) => (
              <DataRow key={row.id} row={row} current={isCurrentRow?.(row.original) ?? false} />
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="px-3 py-10 text-center text-slate-600">
                  {isLoading ? <Spinner label="Loading" /> : (error ?? empty)}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav
        aria-label={`${caption} pagination`}
        className="flex flex-col gap-3 border-t border-slate-200 px-3 py-2.5 text-sm text-slate-700 sm:flex-row sm:items-center sm:justify-between"
      >
        <p aria-live="polite">
          {shown === 0 && error && !isLoading
            ? errorSummary
            : waiting
            ? 'Loading…'
            : shown === 0
            ? total === 0
              ? 'No results'
              : `None on this page (${about}${formatNumber(totalShown)} in all)`
            : `${formatNumber(first)}–${formatNumber(last)} of ${about}${formatNumber(totalShown)}`}
          {showsPreviousPage && !isLoading && (
            <span className="ml-2 inline-flex align-middle text-slate-500">
              <Spinner className="size-4" label="Loading" />
            </span>
          )}
        </p>
        <div className="flex flex-wrap items-center gap-2">
          {onPageSizeChange && (
            <label className="inline-flex items-center gap-1.5">
              <span>Rows per page</span>
              <select
                value={pageSize}
                onChange={(event) => onPageSizeChange(Number(event.target.value))}
                className="rounded-md border-0 py-1 pr-7 pl-2 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
              >
                {pageSizeOptions.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            </label>
          )}
          <PagerButton label="First page" disabled={page <= 1} onClick={() => onPageChange(1)}>
            «
          </PagerButton>
          <PagerButton label="Previous page" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
            ‹
          </PagerButton>
          <span className="px-1 whitespace-nowrap">
            Page {formatNumber(page)}
            {!countUnknown && ` of ${about}${formatNumber(pagesShown)}`}
          </span>
          <PagerButton
            label="Next page"
            why={notYet('Next page')}
            disabled={waiting || !canNext}
            onClick={() => onPageChange(page + 1)}
          >
            ›
          </PagerButton>
          <PagerButton
            label="Last page"
            why={
              notYet('Last page') ??
              (totalIsEstimate
                ? 'Last page: not available, as the total is an estimate. Use Next page to go on.'
                : undefined)
            }
            disabled={waiting || totalIsEstimate || page >= pageCount}
            onClick={() => onPageChange(pageCount)}
          >
            »
          </PagerButton>
        </div>
      </nav>
    </div>
  );
}

/** A row can leave while its button or switch has the keyboard focus (a refetch drops it: its
 * product no longer matches the filter after a change): the focus goes to a neighbour's. */
function DataRow<T>({ row, current }: { row: Row<T>; current: boolean }) {
  const ref = useRef<HTMLTableRowElement>(null);
  useFocusMovedOnRemoval(ref, 'tr');
  return (
    <tr
      ref={ref}
      aria-current={current || undefined}
      className="hover:bg-slate-50 aria-[current]:bg-indigo-50 aria-[current]:shadow-[inset_3px_0_0_var(--color-indigo-600)]"
    >
      {row.getVisibleCells().map((cell) => (
        <td
          key={cell.id}
          className={`px-2 py-2 align-middle text-slate-800 sm:px-3 ${cell.column.columnDef.meta?.className ?? ''}`}
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );
}

function PagerButton({
  label,
  why,
  disabled,
  onClick,
  children,
}: {
  label: string;
  /** Why it cannot act, for its tooltip and description, when that is not plain. */
  why?: string;
  disabled: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={why ?? label}
      {...focusKeepingProps(disabled, onClick)}
      className="inline-flex size-8 items-center justify-center rounded-md bg-white text-base ring-1 ring-slate-300 ring-inset hover:bg-slate-50 aria-disabled:cursor-not-allowed aria-disabled:text-slate-400 aria-disabled:hover:bg-white"
    >
      {children}
    </button>
  );
}

function SortIcon({ direction }: { direction: false | 'asc' | 'desc' }) {
  return (
    <svg viewBox="0 0 12 16" className="h-3.5 w-2.5" aria-hidden="true" fill="currentColor">
      <path d="M6 1 11 7H1z" opacity={direction === 'asc' ? 1 : 0.25} />
      <path d="M6 15 1 9h10z" opacity={direction === 'desc' ? 1 : 0.25} />
    </svg>
  );
}
