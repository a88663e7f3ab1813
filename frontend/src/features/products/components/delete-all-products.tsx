import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { focusKeepingProps } from '@/components/focus-keeping';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api';
import { formatCount, formatNumber } from '@/lib/format';
import { useDeleteAllProducts } from '../api/delete-all-products';
import { useCatalogCount } from '../hooks/use-catalog-count';

type DeleteAllProductsProps = {
  /** Why deleting everything is not possible right now (e.g. an import is running). */
  disabledReason?: string | null;
  /** Asks again at once whether deleting everything is possible (`disabledReason` follows): the
   * answer the page has may be seconds old, and an import may have started since. */
  recheck?: () => unknown;
  /** The confirmation opened or closed. An import may start (in another tab, from the command
   * line) while the person types DELETE: while it is open, the page checks often, so that the
   * dialog says so before they confirm. */
  onOpenChange?: (open: boolean) => void;
};

export function DeleteAllProducts({ disabledReason, recheck, onOpenChange }: DeleteAllProductsProps) {
  const [open, setOpenState] = useState(false);
  const reasonId = useId();
  const toast = useToast();
  const deleteAll = useDeleteAllProducts();
  const count = useCatalogCount(open);

  function setOpen(next: boolean) {
    setOpenState(next);
    onOpenChange?.(next);
  }

  return (
    <div className="flex flex-col items-stretch gap-1 sm:items-end">
      {/* An import can start while it has the focus: it then says it cannot act but stays
          focusable, where `disabled` would drop the keyboard focus to the page. */}
      <Button
        variant="danger"
        {...focusKeepingProps(Boolean(disabledReason), () => {
          setOpen(true);
          recheck?.();
        })}
        aria-describedby={disabledReason ? reasonId : undefined}
      >
        Delete all products
      </Button>
      {disabledReason && (
        <p id={reasonId} className="text-xs text-slate-600">
          {disabledReason}
        </p>
      )}
      <ConfirmDialog
        open={open}
        title="Delete all products?"
        message={`Are you sure? This cannot be undone. ${whatIsDeleted(count)}`}
        confirmationText="DELETE"
        blockedReason={disabledReason}
        confirmLabel={deleteAll.isPending ? 'Deleting…' : 'Delete all products'}
        isLoading={deleteAll.isPending}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          deleteAll.mutate(undefined, {
            onSuccess: ({ deleted }) => {
              toast.success(`Deleted ${formatCount(deleted, 'product')}.`);
              setOpen(false);
            },
            onError: (error) => {
              const busy = error instanceof ApiError && error.status === 409;
              const message = busy
                ? `Cannot delete all products now: ${error.message}`
                : `Delete all failed: ${error.message}`;
              // The import that refused it is then shown beside the button.
              if (busy) recheck?.();
              toast.error(message);
              setOpen(false);
            },
          })
        }
      />
    </div>
  );
}

function whatIsDeleted(count: number | undefined): string {
  if (count === 1) return 'This deletes the only product in the catalog.';
  // Not counted yet (or none left, as another tab deleted them meanwhile): said without a number.
  if (!count) return 'This deletes all products in the catalog.';
  return `This deletes all ${formatNumber(count)} products in the catalog.`;
}
