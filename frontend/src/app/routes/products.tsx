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
  // The route composes two features: products' Delete all is blocked while an import runs, and
  // their editing says that a save may wait for it.
  const [confirmingDeleteAll, setConfirmingDeleteAll] = useState(false);
  const { activeImport, recheck } = useActiveImport({ fast: confirmingDeleteAll });
  const catalogIsEmpty = useCatalogIsEmpty();
  const importState = activeImport?.status === 'queued' ? 'queued' : 'running';
  // Edits stay possible (a small import is over in well under a second, and edits of other rows
  // often go through), but a save may wait for the import and be refused: said before it is tried.
  const busyNotice = activeImport
    ? `An import is ${importState}: edits may wait for it and be refused until it has finished.`
    : null;
  const blockedReason = activeImport
    ? `Unavailable while an import is ${importState} (${activeImport.filename}).`
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
            <NewProductButton busyNotice={busyNotice} />
            <ExportProductsLink />
          </>
        }
      />
      <div className="space-y-4">
        <ProductsFilters />
        <ProductsTable busyNotice={busyNotice} />
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
