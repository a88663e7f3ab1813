import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { ActionsHeader, type Sort } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';
import type { Product } from '@/types/api';
import type { ProductSort } from '../api/get-products';
import { ProductActiveSwitch } from './product-active-switch';
import { ProductRowActions } from './product-row-actions';

const column = createColumnHelper<Product>();

export function toSort(sort: ProductSort | undefined): Sort {
  if (!sort) return null;
  return sort.startsWith('-') ? { id: sort.slice(1), desc: true } : { id: sort, desc: false };
}

export function fromSort(sort: Sort): ProductSort | undefined {
  if (!sort) return undefined;
  return `${sort.desc ? '-' : ''}${sort.id}` as ProductSort;
}

type RowActions = { onEdit: (product: Product) => void; onDelete: (product: Product) => void };

export function productColumns({ onEdit, onDelete }: RowActions): ColumnDef<Product, unknown>[] {
  return [
    column.accessor('sku', {
      header: 'SKU',
      meta: { className: 'hidden sm:table-cell' },
      // A long SKU (up to 64 characters) is cut short, not allowed to push the row's buttons
      // out of view; the whole SKU is in the title and the row's button labels.
      cell: (info) => (
        <span className="block max-w-48 truncate font-mono text-xs" title={info.getValue()}>
          {info.getValue()}
        </span>
      ),
    }),
    column.accessor('name', {
      header: 'Name',
      // Rendered as text: a name containing HTML shows its tags, it is never interpreted.
      cell: (info) => (
        <>
          {/* Wraps anywhere: a long name without spaces must not widen the table past the screen. */}
          <span className="line-clamp-2 min-w-32 wrap-anywhere" title={info.getValue()}>
            {info.getValue()}
          </span>
          {/* On a phone the SKU column is hidden: show the SKU under the name. */}
          <span className="font-mono text-xs break-all text-slate-600 sm:hidden">{info.row.original.sku}</span>
        </>
      ),
    }),
    column.accessor('description', {
      header: 'Description',
      enableSorting: false,
      meta: { className: 'hidden lg:table-cell' },
      cell: (info) => (
        <span className="line-clamp-2 max-w-md wrap-anywhere text-slate-600">{info.getValue() || '—'}</span>
      ),
    }),
    column.accessor('is_active', {
      header: 'Active',
      enableSorting: false,
      cell: (info) => <ProductActiveSwitch product={info.row.original} />,
    }),
    column.accessor('updated_at', {
      header: 'Updated',
      meta: { className: 'hidden md:table-cell whitespace-nowrap' },
      cell: (info) => formatDateTime(info.getValue()),
    }),
    column.display({
      id: 'actions',
      header: ActionsHeader,
      cell: (info) => <ProductRowActions product={info.row.original} onEdit={onEdit} onDelete={onDelete} />,
    }),
  ] as ColumnDef<Product, unknown>[];
}
