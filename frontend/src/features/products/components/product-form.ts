import { changedFields } from '@/lib/changed-fields';
import { ApiError } from '@/lib/api';
import { saveErrorToFormErrors } from '@/lib/form-errors';
import type { Rebased } from '@/lib/rebased-values';
import { characterCount, trimAsApi } from '@/lib/text';
import type { Product, ProductCreate, ProductUpdate } from '@/types/api';

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
  const sku = trimAsApi(values.sku);
  const name = trimAsApi(values.name);
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
    sku: trimAsApi(values.sku),
    name: trimAsApi(values.name),
    description: values.description,
    is_active: values.is_active,
  };
}

const FIELDS = ['sku', 'name', 'description', 'is_active'] as const;

/** Only what differs from `original`, as the API takes it (see `changedFields`). */
export function productChanges(values: ProductFormValues, original: ProductFormValues): ProductUpdate {
  return changedFields(valuesToPayload(values), valuesToPayload(original));
}

const FIELD_NAMES: Record<(typeof FIELDS)[number], string> = {
  sku: 'SKU',
  name: 'name',
  description: 'description',
  is_active: 'active',
};

/** The person's changes (what differs from `started`) on top of the `current` values, and which
 * fields were changed elsewhere: `keptYours` names those the person changed too (their value is
 * in the form, so they can see and choose before saving). */
export function rebaseValues(
  values: ProductFormValues,
  started: ProductFormValues,
  current: ProductFormValues,
): Rebased<ProductFormValues> {
  const rebased: ProductFormValues = { ...current };
  const changedElsewhere: string[] = [];
  const keptYours: string[] = [];
  for (const field of FIELDS) {
    const mine = values[field] !== started[field];
    const theirs = current[field] !== started[field];
    if (mine) Object.assign(rebased, { [field]: values[field] });
    if (theirs) changedElsewhere.push(FIELD_NAMES[field]);
    if (mine && theirs && values[field] !== current[field]) keptYours.push(FIELD_NAMES[field]);
  }
  return { values: rebased, changedElsewhere, keptYours };
}

export const CHANGED_ELSEWHERE =
  'This product was changed elsewhere (another edit or an import) since this dialog opened, so nothing was saved. Load the current values: your changes stay on top of them.';

/** What the edit dialog says once the product is found deleted elsewhere (a 404): nothing can be
 * saved any more. */
export const PRODUCT_GONE = 'This product no longer exists: it was deleted elsewhere.';

/** The API's answer to a duplicate SKU (409) starts so; any other 409 (e.g. an import is writing
 * the catalog) is about the whole save, not the SKU. */
const DUPLICATE_SKU = /^a product with sku\b/i;

function isDuplicateSku(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    error.status === 409 &&
    typeof error.detail === 'string' &&
    DUPLICATE_SKU.test(error.detail.trim())
  );
}

/** Maps an API error onto the form: a duplicate SKU (409) goes under the SKU; any other 409
 * belongs to the whole form, as do the errors every edit form shares (see `saveErrorToFormErrors`). */
export function apiErrorToFormErrors(error: unknown): ProductFormErrors {
  if (isDuplicateSku(error)) return { sku: error.message };
  return saveErrorToFormErrors(error, FIELDS, { changedElsewhere: CHANGED_ELSEWHERE, gone: PRODUCT_GONE });
}
