import { Checkbox, TextAreaField, TextField } from '@/components/field';
import { FormModal } from '@/components/form-modal';
import { useToast } from '@/components/toast';
import { useFormState } from '@/hooks/use-form-state';
import type { Product } from '@/types/api';
import { useCreateProduct } from '../api/create-product';
import { useUpdateProduct } from '../api/update-product';
import {
  apiErrorToFormErrors,
  emptyProductValues,
  LIMITS,
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
};

export function ProductFormModal({ open, onClose, product }: ProductFormModalProps) {
  if (!open) return null;
  return <ProductFormDialog key={product?.id ?? 'new'} onClose={onClose} product={product ?? null} />;
}

function ProductFormDialog({ onClose, product }: { onClose: () => void; product: Product | null }) {
  const { values, errors, set, submitWith } = useFormState<ProductFormValues>(
    () => (product ? productToValues(product) : emptyProductValues()),
    validateProduct,
    apiErrorToFormErrors,
  );
  const toast = useToast();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const isSaving = create.isPending || update.isPending;

  const submit = () =>
    submitWith(async (current) => {
      const payload = valuesToPayload(current);
      if (product) {
        const saved = await update.mutateAsync({ id: product.id, data: payload });
        toast.success(`Saved ${saved.sku}.`);
      } else {
        const saved = await create.mutateAsync(payload);
        toast.success(`Created ${saved.sku}.`);
      }
      onClose();
    });

  const formId = product ? `product-form-${product.id}` : 'product-form-new';

  return (
    <FormModal
      onClose={onClose}
      title={product ? 'Edit product' : 'New product'}
      description={product ? <>SKU {product.sku}</> : 'Fields marked * are required.'}
      formId={formId}
      submitLabel={product ? 'Save changes' : 'Create product'}
      onSubmit={submit}
      isSaving={isSaving}
      formError={errors.form}
    >
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
