import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button } from '@/components/button';
import { Checkbox, TextAreaField, TextField } from '@/components/field';
import { FormModal } from '@/components/form-modal';
import { useToast } from '@/components/toast';
import { useFormState } from '@/hooks/use-form-state';
import { ApiError } from '@/lib/api';
import type { Product } from '@/types/api';
import { useCreateProduct } from '../api/create-product';
import { getProduct } from '../api/get-product';
import { productKeys } from '../api/query-keys';
import { productVersion, useUpdateProduct } from '../api/update-product';
import {
  apiErrorToFormErrors,
  CHANGED_ELSEWHERE,
  changedFields,
  emptyProductValues,
  LIMITS,
  productToValues,
  rebasedMessage,
  rebaseValues,
  validateProduct,
  valuesToPayload,
  type ProductFormValues,
} from './product-form';

type ProductFormModalProps = {
  open: boolean;
  onClose: () => void;
  /** The product to edit; absent to create one. */
  product?: Product | null;
};

export function ProductFormModal({ open, onClose, product }: ProductFormModalProps) {
  if (!open) return null;
  return <ProductFormDialog key={product?.id ?? 'new'} onClose={onClose} product={product ?? null} />;
}

function ProductFormDialog({ onClose, product }: { onClose: () => void; product: Product | null }) {
  // The version the form started from: the product the dialog opened with, or the current one
  // loaded after a conflict. A save sends only what differs from it, and only if it is still current.
  const [original, setOriginal] = useState(product);
  const { values, errors, set, reset, submitWith } = useFormState<ProductFormValues>(
    () => (product ? productToValues(product) : emptyProductValues()),
    validateProduct,
    apiErrorToFormErrors,
  );
  const [conflict, setConflict] = useState(false);
  const [reload, setReload] = useState<{ pending: boolean; error?: string; done: number; message?: string }>({
    pending: false,
    done: 0,
  });
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const isSaving = create.isPending || update.isPending;
  const formId = original ? `product-form-${original.id}` : 'product-form-new';

  // The button that loaded the current values is gone: the person goes on in the first field.
  useEffect(() => {
    if (reload.done) document.getElementById(formId)?.querySelector<HTMLElement>('input, textarea')?.focus();
  }, [reload.done, formId]);

  const submit = () =>
    submitWith(async (current) => {
      if (original) {
        const changes = changedFields(current, productToValues(original));
        if (Object.keys(changes).length === 0) {
          toast.info('No changes to save.');
          onClose();
          return;
        }
        try {
          const saved = await update.mutateAsync({ id: original.id, data: changes, ifMatch: productVersion(original) });
          toast.success(`Saved ${saved.sku}.`);
        } catch (error) {
          setConflict(error instanceof ApiError && error.status === 412);
          throw error;
        }
      } else {
        const saved = await create.mutateAsync(valuesToPayload(current));
        toast.success(`Created ${saved.sku}.`);
      }
      onClose();
    });

  async function loadCurrentValues() {
    if (!original || reload.pending) return;
    setReload((state) => ({ ...state, pending: true, error: undefined }));
    try {
      const latest = await getProduct(original.id);
      const rebased = rebaseValues(values, productToValues(original), productToValues(latest));
      setOriginal(latest);
      reset(rebased.values);
      setConflict(false);
      setReload((state) => ({ pending: false, done: state.done + 1, message: rebasedMessage(rebased) }));
      // The list showed the older version too.
      void queryClient.invalidateQueries({ queryKey: productKeys.lists() });
    } catch (error) {
      const gone = error instanceof ApiError && error.status === 404;
      if (gone) void queryClient.invalidateQueries({ queryKey: productKeys.all });
      const message = gone
        ? 'This product no longer exists: it was deleted elsewhere.'
        : `Could not load the current values: ${error instanceof Error ? error.message : 'unknown error'}`;
      setReload((state) => ({ ...state, pending: false, error: message }));
    }
  }

  const formError = conflict ? (
    <div className="space-y-2">
      <p>{CHANGED_ELSEWHERE}</p>
      {reload.error && <p className="font-medium">{reload.error}</p>}
      <Button size="sm" variant="secondary" pending={reload.pending} onClick={() => void loadCurrentValues()}>
        Load current values
      </Button>
    </div>
  ) : (
    errors.form
  );

  return (
    <FormModal
      onClose={onClose}
      title={original ? 'Edit product' : 'New product'}
      description={
        original ? (
          <>
            SKU <span className="font-mono break-all">{original.sku}</span>
          </>
        ) : (
          'Fields marked * are required.'
        )
      }
      formId={formId}
      submitLabel={original ? 'Save changes' : 'Create product'}
      onSubmit={submit}
      isSaving={isSaving}
      formError={formError}
    >
      {reload.done > 0 && !conflict && (
        <p role="status" className="text-sm text-slate-700">
          {reload.message}
        </p>
      )}
      <TextField
        label="SKU"
        name="sku"
        required
        autoComplete="off"
        spellCheck={false}
        value={values.sku}
        error={errors.sku}
        hint="Unique, case-insensitive, up to 64 characters."
        onChange={(event) => set('sku', event.target.value)}
      />
      <TextField
        label="Name"
        name="name"
        required
        value={values.name}
        error={errors.name}
        onChange={(event) => set('name', event.target.value)}
      />
      <TextAreaField
        label="Description"
        name="description"
        rows={4}
        value={values.description}
        error={errors.description}
        hint={`Optional, up to ${LIMITS.description.toLocaleString('en-US')} characters.`}
        onChange={(event) => set('description', event.target.value)}
      />
      <Checkbox
        label="Active"
        name="is_active"
        checked={values.is_active}
        onChange={(event) => set('is_active', event.target.checked)}
      />
    </FormModal>
  );
}
