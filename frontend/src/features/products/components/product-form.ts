import { ApiError } from '@/lib/api';
import { validationErrorsFor } from '@/lib/form-errors';
import { characterCount } from '@/lib/text';
import type { Product, ProductCreate } from '@/types/api';

export type ProductFormValues = { sku: string; name: string; description: string; is_active: boolean };
export type ProductFormErrors = Partial<Record<keyof ProductFormValues | 'form', string>>;

export const LIMITS = { sku: 64, name: 255, description: 10_000 } as const;

export function emptyProductValues(): ProductFormValues {
  return { sku: '', name: '', description: '', is_active: true };
}

export function productToValues(product: Product): ProductFormValues {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description ?? '',
    is_active: product.is_active,
  };
}

/** The same rules as the API and the CSV import, checked before sending. */
export function validateProduct(values: ProductFormValues): ProductFormErrors {
  const errors: ProductFormErrors = {};
  const sku = values.sku.trim();
  const name = values.name.trim();
  if (!sku) errors.sku = 'SKU is required.';
  else if (characterCount(sku) > LIMITS.sku) errors.sku = `SKU must be at most ${LIMITS.sku} characters.`;
  if (!name) errors.name = 'Name is required.';
  else if (characterCount(name) > LIMITS.name) errors.name = `Name must be at most ${LIMITS.name} characters.`;
  if (characterCount(values.description) > LIMITS.description) {
    errors.description = `Description must be at most ${LIMITS.description.toLocaleString('en-US')} characters.`;
  }
  return errors;
}

export function valuesToPayload(values: ProductFormValues): ProductCreate {
  return {
    sku: values.sku.trim(),
    name: values.name.trim(),
    description: values.description,
    is_active: values.is_active,
  };
}

const FIELDS = ['sku', 'name', 'description', 'is_active'] as const;

/** Maps an API error onto the form: 409 is a duplicate SKU, 422 names its fields. */
export function apiErrorToFormErrors(error: unknown): ProductFormErrors {
  if (!(error instanceof ApiError)) return { form: 'Something went wrong. Please try again.' };
  if (error.status === 409) {
    return { sku: typeof error.detail === 'string' && error.detail ? error.detail : 'A product with this SKU already exists.' };
  }
  const invalid = validationErrorsFor(error, FIELDS);
  if (invalid) return invalid;
  if (error.status === 404) return { form: 'This product no longer exists.' };
  return { form: error.message };
}
