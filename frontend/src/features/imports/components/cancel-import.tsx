import { useCallback, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useFocusPassedOnRemoval } from '@/components/focus-after-removal';

type CancelImportProps = {
  filename: string;
  onCancel: () => void;
  cancelling: boolean;
  /** The id of the element that takes the keyboard focus from the button when it goes, once the
   * import has stopped (the card's heading). */
  focusWhenGoneId: string;
};

/** Cancel, once confirmed: a slip of the mouse must not throw away a long import's work. */
export function CancelImport({ filename, onCancel, cancelling, focusWhenGoneId }: CancelImportProps) {
  const [confirming, setConfirming] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const focusTarget = useCallback(() => document.getElementById(focusWhenGoneId), [focusWhenGoneId]);
  useFocusPassedOnRemoval(ref, focusTarget);
  return (
    <div ref={ref}>
      <Button variant="secondary" onClick={() => setConfirming(true)} pending={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel import'}
      </Button>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onCancel();
        }}
        title="Cancel this import?"
        message={`The import of ${filename} stops and nothing of it is applied. To import the file later, upload it again.`}
        confirmLabel="Stop the import"
        cancelLabel="Keep importing"
      />
    </div>
  );
}
