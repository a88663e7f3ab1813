import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DataTable, type Sort } from '@/components/data-table';
import { Switch } from '@/components/switch';
import { useToast } from '@/components/toast';
import { formatDateTime } from '@/lib/format';
import type { Product } from '@/types/api';
import { useDeleteProduct } from '../api/delete-product';
import type { ProductSort } from '../api/get-products';
import { useProducts } from '../api/get-products';
import { useUpdateProduct } from '../api/update-product';
import { PAGE_SIZES, useProductsSearch } from '../hooks/use-products-search';
import { ProductFormModal } from './product-form-modal';

const column = createColumnHelper<Product>();

function toSort(sort: ProductSort | undefined): Sort {
  if (!sort) return null;
  return sort.startsWith('-') ? { id: sort.slice(1), desc: true } : { id: sort, desc: false };
}

function fromSort(sort: Sort): ProductSort | undefined {
  if (!sort) return undefined;
  return `${sort.desc ? '-' : ''}${sort.id}` as ProductSort;
}

export function ProductsTable() {
  const { query, hasFilters, update } = useProductsSearch();
  const products = useProducts(query);
  const [editing, setEditing] = useState<Product | null>(null);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const toast = useToast();
  const updateProduct = useUpdateProduct();
  const deleteProduct = useDeleteProduct();

  const columns = useMemo(
    () =>
      [
        column.accessor('sku', {
          header: 'SKU',
          meta: { className: 'hidden sm:table-cell' },
          cell: (info) => <span className="font-mono text-xs whitespace-nowrap">{info.getValue()}</span>,
        }),
        column.accessor('name', {
          header: 'Name',
          // Rendered as text: a name containing HTML shows its tags, it is never interpreted.
          cell: (info) => (
            <>
              <span className="line-clamp-2 min-w-32 break-words">{info.getValue()}</span>
              {/* On a phone the SKU column is hidden: show the SKU under the name. */}
              <span className="font-mono text-xs text-slate-600 sm:hidden">{info.row.original.sku}</span>
            </>
          ),
        }),
        column.accessor('description', {
          header: 'Description',
          enableSorting: false,
          meta: { className: 'hidden lg:table-cell' },
          cell: (info) => (
            <span className="line-clamp-2 max-w-md break-words text-slate-600">{info.getValue() || '—'}</span>
          ),
        }),
        column.accessor('is_active', {
          header: 'Active',
          enableSorting: false,
          cell: (info) => {
            const product = info.row.original;
            return (
              <Switch
                checked={product.is_active}
                label={`Active: ${product.sku}`}
                disabled={updateProduct.isPending && updateProduct.variables?.id === product.id}
                onChange={(checked) =>
                  updateProduct.mutate(
                    { id: product.id, data: { is_active: checked } },
                    {
                      onSuccess: (saved) =>
                        toast.success(`${saved.sku} is now ${saved.is_active ? 'active' : 'inactive'}.`),
                      onError: (error) => toast.error(`Could not update ${product.sku}: ${error.message}`),
                    },
                  )
                }
              />
            );
          },
        }),
        column.accessor('updated_at', {
          header: 'Updated',
          meta: { className: 'hidden md:table-cell whitespace-nowrap' },
          cell: (info) => formatDateTime(info.getValue()),
        }),
        column.display({
          id: 'actions',
          header: () => <span className="sr-only">Actions</span>,
          cell: (info) => {
            const product = info.row.original;
            return (
              <div className="flex justify-end gap-0.5 sm:gap-1">
                <Button size="sm" variant="ghost" onClick={() => setEditing(product)} aria-label={`Edit ${product.sku}`}>
                  Edit
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  className="text-red-700 hover:bg-red-50"
                  onClick={() => setDeleting(product)}
                  aria-label={`Delete ${product.sku}`}
                >
                  Delete
                </Button>
              </div>
            );
          },
        }),
      ] as ColumnDef<Product, unknown>[],
    [toast, updateProduct],
  );

  const data = products.data;

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
        empty={hasFilters ? 'No products match these filters.' : 'No products yet. Import a CSV or add one.'}
      />
      <ProductFormModal open={editing !== null} product={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete product?"
        message={
          <>
            <span className="font-mono">{deleting?.sku}</span> — {deleting?.name} will be deleted. This cannot be
            undone.
          </>
        }
        confirmLabel="Delete product"
        isLoading={deleteProduct.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          const target = deleting;
          deleteProduct.mutate(target.id, {
            onSuccess: () => {
              toast.success(`Deleted ${target.sku}.`);
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
