import { ImportPanel, ImportsHistory } from '@/features/imports';
import { PageHeader } from './page-header';

export function ImportRoute() {
  return (
    <>
      <PageHeader
        title="Import products"
        description="Upload a CSV of products. New SKUs are created, existing ones updated; invalid rows are skipped and listed in an error report. A failed or cancelled import changes nothing."
      />
      <ImportPanel />
      <section aria-labelledby="history-title" className="mt-8 space-y-3">
        <h2 id="history-title" className="text-lg font-semibold text-slate-900">
          History
        </h2>
        <ImportsHistory />
      </section>
    </>
  );
}
