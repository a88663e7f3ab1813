import { useToast, type ToastAction } from '@/components/toast';
import { hasChanges } from '@/lib/changed-fields';
import { versionOf } from '@/lib/versions';

type Saved = { id: number; updated_at: string };

type Mutation<Variables, Result> = {
  mutateAsync: (variables: Variables) => Promise<Result>;
  isPending: boolean;
};

type EditFormSaveOptions<Values, Item extends Saved, Changes extends object, Payload> = {
  /** The version the form edits (see `useConflictReload`); null to create a record. */
  original: Item | null;
  /** The form's values now. */
  values: Values;
  /** The values the form shows for `original`, or for a new record. */
  toValues: (item: Item) => Values;
  emptyValues: () => Values;
  /** What of `values` differs from `started`, as an update sends it. */
  changes: (values: Values, started: Values) => Changes;
  /** `values` as a create sends them. */
  payload: (values: Values) => Payload;
  create: Mutation<Payload, Item>;
  update: Mutation<{ id: number; data: Changes; ifMatch: string }, Item>;
  /** Told of the failure of an update based on `savedOver` (a 412 or a 404 changes what the form
   * offers); false when it says nothing of the form as it is now (see `useConflictReload`). */
  noteSaveError: (error: unknown, savedOver: Item) => boolean;
  /** What the toast says once the record was saved, or created. */
  savedMessage: (saved: Item) => string;
  createdMessage: (created: Item) => string;
  /** What the toast offers to do with the record created (e.g. show it), if anything. */
  createdAction?: (created: Item) => ToastAction;
  onClose: () => void;
};

/**
 * The save of an edit dialog, for `useFormState`'s `submitWith`: a new record is created; an edit
 * sends only what differs from `original`, and only if `original` is still current (`If-Match`).
 * Either closes the dialog with a toast, as does an edit that changed nothing, saying so. A
 * failure is thrown on, for the form to show, unless `noteSaveError` finds it out of date: the
 * save then ends quietly, the dialog open. `dirty`: `values` differ from what the form started
 * from (`original`, or a new record's).
 */
export function useEditFormSave<Values, Item extends Saved, Changes extends object, Payload>({
  original,
  values,
  toValues,
  emptyValues,
  changes,
  payload,
  create,
  update,
  noteSaveError,
  savedMessage,
  createdMessage,
  createdAction,
  onClose,
}: EditFormSaveOptions<Values, Item, Changes, Payload>) {
  const toast = useToast();

  const dirty = hasChanges(changes(values, original ? toValues(original) : emptyValues()));

  /** Sends `data` over `edited`; resolves to what the toast then says, or null for an out-of-date
   * failure. */
  async function saveForToastText(data: Changes, edited: Item): Promise<string | null> {
    try {
      return savedMessage(await update.mutateAsync({ id: edited.id, data, ifMatch: versionOf(edited) }));
    } catch (error) {
      if (noteSaveError(error, edited)) throw error;
      return null;
    }
  }

  async function save(submitted: Values): Promise<void> {
    if (!original) {
      const created = await create.mutateAsync(payload(submitted));
      toast.success(createdMessage(created), { action: createdAction?.(created) });
      return onClose();
    }
    const data = changes(submitted, toValues(original));
    if (!hasChanges(data)) {
      toast.info('No changes to save.');
      return onClose();
    }
    const toastText = await saveForToastText(data, original);
    if (toastText === null) return;
    toast.success(toastText);
    onClose();
  }

  return { save, isSaving: create.isPending || update.isPending, dirty };
}
