import type { ConflictReload } from '@/hooks/use-conflict-reload';
import { Button } from './button';
import { focusKeepingProps } from './focus-keeping';
import { useReadOnlyFields } from './read-only-fields';

/** An edit dialog's error when a save found what it edits changed elsewhere (412): `message` says
 * so, and Load current values (`onLoad`) puts the person's changes on top of the current ones.
 * Not while the form saves: the fields keep what is being saved. */
export function ConflictAlert({
  message,
  reload,
  onLoad,
}: {
  message: string;
  reload: ConflictReload;
  onLoad: () => void;
}) {
  const saving = useReadOnlyFields();
  return (
    <div className="space-y-2">
      <p>{message}</p>
      {reload.error && <p className="font-medium">{reload.error}</p>}
      <Button
        size="sm"
        variant="secondary"
        pending={reload.pending}
        {...focusKeepingProps(saving || reload.pending, onLoad)}
      >
        Load current values
      </Button>
    </div>
  );
}
