import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ActionsHeader, DataTable, type Sort } from '@/components/data-table';
import { useFocusAfterRemoval } from '@/components/focus-after-removal';
import { useToast } from '@/components/toast';
import { formatDateTime } from '@/lib/format';
import type { Product } from '@/types/api';
import { useDeleteProduct } from '../api/delete-product';
import type { ProductSort } from '../api/get-products';
import { useProducts } from '../api/get-products';
import { useLastPageRedirect } from '../hooks/use-last-page-redirect';
import { PAGE_SIZES, useProductsSearch } from '../hooks/use-products-search';
import { ProductActiveSwitch } from './product-active-switch';
import { ProductFormModal } from './product-form-modal';
import { ProductRowActions } from './product-row-actions';

const column = createColumnHelper<Product>();

function toSort(sort: ProductSort | undefined): Sort {
  if (!sort) return null;
  return sort.startsWith('-') ? { id: sort.slice(1), desc: true } : { id: sort, desc: false };
}

function fromSort(sort: Sort): ProductSort | undefined {
  if (!sort) return undefined;
  return `${sort.desc ? '-' : ''}${sort.id}` as ProductSort;
}

type RowActions = { onEdit: (product: Product) => void; onDelete: (product: Product) => void };

function productColumns({ onEdit, onDelete }: RowActions): ColumnDef<Product, unknown>[] {
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

export function ProductsTable() {
  const { query, hasFilters, update } = useProductsSearch();
  const products = useProducts(query);
  const [editing, setEditing] = useState<Product | null>(null);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const toast = useToast();
  const deleteProduct = useDeleteProduct();
  const focusAfterDelete = useFocusAfterRemoval('tr');

  // Built once: a cell function that changed on every render would be a new component type,
  // so React would replace the row's buttons and the keyboard focus on them would be lost.
  const columns = useMemo(
    () =>
      productColumns({
        onEdit: setEditing,
        onDelete: (product) => {
          focusAfterDelete.opening();
          setDeleting(product);
        },
      }),
    [focusAfterDelete],
  );

  const data = products.data;
  const pastTheEnd = useLastPageRedirect(query, products.isPlaceholderData ? undefined : data, update);
  const empty =
    pastTheEnd === 'redirecting' ? (
      'Going to the last page…'
    ) : pastTheEnd === 'past-the-end' ? (
      <>
        This page is past the end of the results.{' '}
        <button
          type="button"
          onClick={() => update({ page: 1 }, { resetPage: false })}
          className="font-medium text-indigo-700 underline hover:text-indigo-900"
        >
          Go to the first page
        </button>
      </>
    ) : hasFilters ? (
      'No products match these filters.'
    ) : (
      'No products yet. Import a CSV or add one.'
    );

  return (
    <>
      <DataTable
        caption="Products"
        columns={columns}
        data={data?.items ?? []}
        getRowId={(row) => String(row.id)}
        sort={toSort(query.sort)}
        onSortChange={(sort) => update({ sort: fromSort(sort) })}
        page={query.page}
        pageSize={query.page_size}
        total={data?.total ?? 0}
        totalIsEstimate={data?.total_is_estimate ?? false}
        hasNextPage={data?.total_is_estimate ? Boolean(data.next_cursor) : undefined}
        onPageChange={(page) => update({ page }, { resetPage: false })}
        onPageSizeChange={(page_size) => update({ page_size })}
        pageSizeOptions={PAGE_SIZES}
        isLoading={products.isPending}
        showsPreviousPage={products.isPlaceholderData}
        error={products.isError ? `Could not load products: ${products.error.message}` : undefined}
        empty={empty}
      />
      <ProductFormModal open={editing !== null} product={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete product?"
        message={
          <>
            <span className="font-mono break-all">{deleting?.sku}</span> — {deleting?.name} will be deleted. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete product"
        isLoading={deleteProduct.isPending}
        returnFocus={focusAfterDelete.returnFocus}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          const target = deleting;
          deleteProduct.mutate(target.id, {
            onSuccess: (result) => {
              focusAfterDelete.removed();
              // Deleted elsewhere meanwhile: what was asked for is done, and the list is fetched again.
              if (result === 'already-gone') toast.info(`${target.sku} had already been deleted.`);
              else toast.success(`Deleted ${target.sku}.`);
              setDeleting(null);
            },
            onError: (error) => {
              toast.error(`Could not delete ${target.sku}: ${error.message}`);
              setDeleting(null);
            },
          });
        }}
      />
    </>
  );
}
