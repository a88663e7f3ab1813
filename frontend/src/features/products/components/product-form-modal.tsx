import { useLocation, useNavigate } from 'react-router-dom';
import { Checkbox, TextAreaField, TextField } from '@/components/field';
import { ConflictAlert } from '@/components/conflict-alert';
import { focusFirstFieldUnlessInOne } from '@/components/focus-first-field';
import { FormModal } from '@/components/form-modal';
import { useEditFormSave } from '@/hooks/use-edit-form-save';
import { useFormState } from '@/hooks/use-form-state';
import type { Product } from '@/types/api';
import { useCreateProduct } from '../api/create-product';
import { useUpdateProduct } from '../api/update-product';
import { useProductConflictReload } from '../hooks/use-product-conflict-reload';
import { toSkuSearch, useProductsSearch } from '../hooks/use-products-search';
import { BusyNotice } from './busy-notice';
import {
  apiErrorToFormErrors,
  CHANGED_ELSEWHERE,
  emptyProductValues,
  LIMITS,
  PRODUCT_GONE,
  productChanges,
  productToValues,
  validateProduct,
  valuesToPayload,
  type ProductFormValues,
} from './product-form';

type ProductFormModalProps = {
  open: boolean;
  onClose: () => void;
  /** The product to edit; absent to create one. */
  product?: Product | null;
  /** Why saving may wait and be refused right now (e.g. an import is writing the catalog). */
  busyNotice?: string | null;
};

export function ProductFormModal({ open, onClose, product, busyNotice = null }: ProductFormModalProps) {
  if (!open) return null;
  return (
    <ProductFormDialog key={product?.id ?? 'new'} onClose={onClose} product={product ?? null} busyNotice={busyNotice} />
  );
}

function ProductFormDialog({
  onClose,
  product,
  busyNotice,
}: {
  onClose: () => void;
  product: Product | null;
  busyNotice: string | null;
}) {
  const { values, errors, set, reset, submitWith } = useFormState<ProductFormValues>(
    () => (product ? productToValues(product) : emptyProductValues()),
    validateProduct,
    apiErrorToFormErrors,
  );
  const formId = product ? `product-form-${product.id}` : 'product-form-new';
  // `original`: the version the form started from, the product the dialog opened with or the
  // current one loaded after a conflict. A save sends only what differs from it, and only if it
  // is still current.
  const { original, conflict, gone, noteSaveError, reload, loadCurrentValues } = useProductConflictReload({
    product,
    values,
    reset,
    onLoaded: () => focusFirstFieldUnlessInOne(formId),
  });
  const create = useCreateProduct();
  const update = useUpdateProduct();
  // A product created from a page it is not on (e.g. far down the list) would not be seen: the
  // toast offers to search the list for it, keeping the sort and page size of the list shown
  // when it was created.
  const { pathname } = useLocation();
  const { query } = useProductsSearch();
  const navigate = useNavigate();
  const { save, isSaving, dirty } = useEditFormSave({
    original,
    values,
    toValues: productToValues,
    emptyValues: emptyProductValues,
    changes: productChanges,
    payload: valuesToPayload,
    create,
    update,
    noteSaveError,
    savedMessage: (saved) => `Saved ${saved.sku}.`,
    createdMessage: (created) => `Created ${created.sku}.`,
    createdAction: (created) => ({
      label: 'Show it',
      onAction: () => void navigate({ pathname, search: `?${toSkuSearch(query, created.sku)}` }),
    }),
    onClose,
  });
  const submit = () => submitWith(save);

  const formError = gone ? (
    PRODUCT_GONE
  ) : conflict ? (
    <ConflictAlert message={CHANGED_ELSEWHERE} reload={reload} onLoad={() => void loadCurrentValues()} />
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
      dirty={dirty}
      closeOnly={gone}
    >
      {reload.message && !conflict && (
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
      {/* One block with the last field: the notice, empty most of the time, adds no space
          below the form. Last in the form, it is read just before the Save button below. */}
      <div>
        <Checkbox
          label="Active"
          name="is_active"
          checked={values.is_active}
          onChange={(event) => set('is_active', event.target.checked)}
        />
        <BusyNotice notice={busyNotice} testId="product-busy-notice" className="mt-4" />
      </div>
    </FormModal>
  );
}
