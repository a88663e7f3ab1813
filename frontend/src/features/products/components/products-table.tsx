import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { focusTargetAfterRemoval } from '@/components/focus-after-removal';
import { useConfirmedDelete } from '@/hooks/use-confirmed-delete';
import { useFailureKeptWhileRetrying } from '@/hooks/use-failure-kept-while-retrying';
import { isChangedSince } from '@/lib/api-error';
import { DataTable } from '@/components/data-table';
import type { Product } from '@/types/api';
import { useDeleteProduct } from '../api/delete-product';
import { useProducts } from '../api/get-products';
import { useAnsweredQuery } from '../hooks/use-answered-query';
import { useLastPageRedirect, type PastTheEnd } from '../hooks/use-last-page-redirect';
import { PAGE_SIZES, useProductsSearch, useProductsUrlCleanup } from '../hooks/use-products-search';
import { fromSort, productColumns, toSort } from './product-columns';
import { BusyNotice } from './busy-notice';
import { ExactSkuMatch, exactSkuMatchToShow } from './exact-sku-match';
import { ProductFormModal } from './product-form-modal';

type ProductsTableProps = {
  /** Why editing may wait and be refused right now (e.g. an import is writing the catalog):
   * said above the table and in the edit form, before a save is tried. */
  busyNotice?: string | null;
};

export function ProductsTable({ busyNotice = null }: ProductsTableProps) {
  const { query, hasFilters, update } = useProductsSearch();
  useProductsUrlCleanup();
  const products = useProducts(query);
  const [editing, setEditing] = useState<Product | null>(null);
  const deleteProduct = useDeleteProduct();
  const deletion = useConfirmedDelete<Product>({
    itemSelector: 'tr',
    mutation: deleteProduct,
    said: {
      deleted: (product) => `Deleted ${product.sku}.`,
      alreadyGone: (product) => `${product.sku} had already been deleted.`,
      failed: (product, error) =>
        isChangedSince(error)
          ? `${product.sku} was not deleted: it was changed elsewhere since this page showed it. Check it and delete it again if need be.`
          : `Could not delete ${product.sku}: ${error.message}`,
    },
  });
  const askToDelete = deletion.ask;

  // Built once: a cell function that changed on every render would be a new component type,
  // so React would replace the row's buttons and the keyboard focus on them would be lost.
  const columns = useMemo(() => productColumns({ onEdit: setEditing, onDelete: askToDelete }), [askToDelete]);

  // A list that failed stays failed on screen while it is asked for again, without the rows of
  // the previous search (placeholder data) standing in for it.
  const failure = useFailureKeptWhileRetrying(JSON.stringify(query), products);
  const standIn = failure !== null && products.isPlaceholderData;
  const data = standIn ? undefined : products.data;
  const pastTheEnd = useLastPageRedirect(query, data, products.isPlaceholderData, update);
  const answered = useAnsweredQuery(query, data, products.isPlaceholderData);
  const exactMatch = exactSkuMatchToShow(query, data, answered);

  return (
    <>
      {/* One block with the table: the notice, empty most of the time, adds no space above it. */}
      <div>
        <BusyNotice notice={busyNotice} testId="products-busy-notice" className="mb-4" />
        {exactMatch && (
          <ExactSkuMatch key={exactMatch.id} product={exactMatch} onEdit={setEditing} onDelete={askToDelete} />
        )}
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
          totalIsLowerBound={data?.total_is_lower_bound ?? false}
          hasNextPage={data?.total_is_estimate ? Boolean(data.next_cursor) : undefined}
          onPageChange={(page) => update({ page }, { resetPage: false })}
          onPageSizeChange={(page_size) => update({ page_size })}
          pageSizeOptions={PAGE_SIZES}
          isCurrentRow={(row) => row.id === exactMatch?.id}
          isLoading={products.isPending && !failure}
          showsPreviousPage={products.isPlaceholderData && !standIn}
          error={
            failure ? (
              <ListLoadFailure
                // Rows from an earlier answer stay on screen: the failure is said above them.
                message={
                  data
                    ? `Could not refresh: ${failure.message}`
                    : `Could not load products: ${failure.message}`
                }
                compact={Boolean(data)}
                retrying={products.isFetching}
                onRetry={() => void products.refetch()}
              />
            ) : undefined
          }
          errorSummary="Could not load products"
          loading={pastTheEnd === 'redirecting' ? 'Going to the last page…' : undefined}
          empty={
            <EmptyMessage
              pastTheEnd={pastTheEnd}
              hasFilters={hasFilters}
              onFirstPage={() => update({ page: 1 }, { resetPage: false })}
            />
          }
        />
      </div>
      <ProductFormModal
        open={editing !== null}
        product={editing}
        busyNotice={busyNotice}
        onClose={() => setEditing(null)}
      />
      <ConfirmDialog
        {...deletion.dialogProps}
        title="Delete product?"
        message={
          <>
            <span className="font-mono break-all">{deletion.item?.sku}</span> — {deletion.item?.name} will be deleted.
            This cannot be undone.
          </>
        }
        confirmLabel="Delete product"
      />
    </>
  );
}

/** The list keeps being asked for in the background while the failure may pass (see
 * `useProducts`); Retry asks now. */
function ListLoadFailure({
  message,
  compact,
  retrying,
  onRetry,
}: {
  message: string;
  compact: boolean;
  retrying: boolean;
  onRetry: () => void;
}) {
  const retry = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    const button = retry.current;
    // Gone with the failure once the list loads: the keyboard focus must not fall to the page.
    // Run while the button is still on the page.
    return () => {
      if (button && document.activeElement === button) focusTargetAfterRemoval(button, 'tr')?.focus();
    };
  }, []);
  return (
    <div className={compact ? 'flex flex-wrap items-center gap-x-3 gap-y-1' : 'flex flex-col items-center gap-3'}>
      <p>{message}</p>
      <Button ref={retry} variant="secondary" size="sm" pending={retrying} onClick={onRetry}>
        Retry
      </Button>
    </div>
  );
}

function EmptyMessage({
  pastTheEnd,
  hasFilters,
  onFirstPage,
}: {
  pastTheEnd: PastTheEnd;
  hasFilters: boolean;
  onFirstPage: () => void;
}): ReactNode {
  if (pastTheEnd === 'redirecting') return 'Going to the last page…';
  if (pastTheEnd === 'past-the-end') {
    return (
      <>
        This page is past the end of the results.{' '}
        <button
          type="button"
          onClick={onFirstPage}
          className="font-medium text-indigo-700 underline hover:text-indigo-900"
        >
          Go to the first page
        </button>
      </>
    );
  }
  return hasFilters ? 'No products match these filters.' : 'No products yet. Import a CSV or add one.';
}
