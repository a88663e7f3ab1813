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
import { useFocusMovedOnRemoval } from './focus-after-removal';
import { Pager } from './pager';
import { pagerSummary, type PagerInput } from './pager-summary';
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
  /** The server's sort, for a sortable table: without `onSortChange`, no column sorts. */
  sort?: Sort;
  onSortChange?: (sort: Sort) => void;
  page: number;
  pageSize: number;
  total: number;
  onPageChange: (page: number) => void;
  onPageSizeChange?: (pageSize: number) => void;
  pageSizeOptions?: number[];
  isLoading?: boolean;
  /** The rows are the previous page's while the asked-for page loads (the query's
   * `isPlaceholderData`): they stay on screen, dimmed. A background refresh of the same
   * page does not dim them. */
  showsPreviousPage?: boolean;
  empty?: ReactNode;
  /** Shown in place of the rows while they load (a spinner unless told), also when an empty
   * earlier page stands in for the asked-for one: it is no answer to this one. */
  loading?: ReactNode;
  /** Why the rows could not be loaded: shown in their place, or, when rows from an earlier
   * answer are on screen (a background refresh failed), on a line above them. */
  error?: ReactNode;
  /** Marks the rows shown elsewhere on the page (e.g. in a card above): `aria-current` and a cue. */
  isCurrentRow?: (row: T) => boolean;
} & Pick<PagerInput, 'totalIsEstimate' | 'totalIsLowerBound' | 'hasNextPage' | 'errorSummary'>;

/**
 * The one data table: TanStack Table with pagination and sorting done by the server (its state
 * is owned by the caller, usually in the URL).
 */
export function DataTable<T>({
  caption,
  columns,
  data,
  getRowId,
  sort = null,
  onSortChange,
  onPageChange,
  onPageSizeChange,
  pageSizeOptions = [25, 50, 100, 200],
  empty = 'Nothing to show.',
  loading,
  error,
  isCurrentRow,
  ...position
}: DataTableProps<T>) {
  const { page, pageSize, total, isLoading = false, showsPreviousPage = false } = position;
  const pager = pagerSummary({ ...position, shown: data.length, failed: Boolean(error) });
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
    enableSorting: onSortChange !== undefined,
    enableSortingRemoval: true,
    enableMultiSort: false,
    sortDescFirst: false,
    pageCount: pager.pageCount,
    rowCount: total,
    state: { sorting, pagination: { pageIndex: page - 1, pageSize } },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      onSortChange?.(next[0] ? { id: next[0].id, desc: next[0].desc } : null);
    },
  });

  const rows = table.getRowModel().rows;

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
                  {pager.waiting ? (loading ?? <Spinner label="Loading" />) : (error ?? empty)}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager
        caption={caption}
        summary={pager}
        pageSize={pageSize}
        onPageChange={onPageChange}
        onPageSizeChange={onPageSizeChange}
        pageSizeOptions={pageSizeOptions}
      />
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

function SortIcon({ direction }: { direction: false | 'asc' | 'desc' }) {
  return (
    <svg viewBox="0 0 12 16" className="h-3.5 w-2.5" aria-hidden="true" fill="currentColor">
      <path d="M6 1 11 7H1z" opacity={direction === 'asc' ? 1 : 0.25} />
      <path d="M6 15 1 9h10z" opacity={direction === 'desc' ? 1 : 0.25} />
    </svg>
  );
}
