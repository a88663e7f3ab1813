import { useState } from 'react';
import { useActiveImport } from '@/features/imports';
import {
  DeleteAllProducts,
  ExportProductsLink,
  NewProductButton,
  ProductsFilters,
  ProductsTable,
  useCatalogIsEmpty,
} from '@/features/products';
import { PageHeader } from './page-header';

export function ProductsRoute() {
  // The route composes two features: products' Delete all is blocked while an import runs.
  const [confirmingDeleteAll, setConfirmingDeleteAll] = useState(false);
  const { activeImport, recheck } = useActiveImport({ fast: confirmingDeleteAll });
  const catalogIsEmpty = useCatalogIsEmpty();
  const blockedReason = activeImport
    ? `Unavailable while an import is ${activeImport.status === 'queued' ? 'queued' : 'running'} (${activeImport.filename}).`
    : catalogIsEmpty
      ? 'The catalog is empty: there is nothing to delete.'
      : null;

  return (
    <>
      <PageHeader
        title="Products"
        description="Search, filter and edit the catalog."
        actions={
          <>
            <NewProductButton />
            <ExportProductsLink />
          </>
        }
      />
      <div className="space-y-4">
        <ProductsFilters />
        <ProductsTable />
        <section
          aria-labelledby="danger-title"
          className="flex flex-col gap-3 rounded-lg bg-white p-4 ring-1 ring-red-200 sm:flex-row sm:items-center sm:justify-between"
        >
          <div>
            <h2 id="danger-title" className="text-sm font-semibold text-red-800">
              Danger zone
            </h2>
            <p className="text-sm text-slate-600">Delete every product in the catalog at once.</p>
          </div>
          <DeleteAllProducts disabledReason={blockedReason} recheck={recheck} onOpenChange={setConfirmingDeleteAll} />
        </section>
      </div>
    </>
  );
}
