import { useState } from 'react';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/confirm-dialog';

/** Cancel, once confirmed: a slip of the mouse must not throw away a long import's work. */
export function CancelImport({ filename, onCancel, cancelling }: { filename: string; onCancel: () => void; cancelling: boolean }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div>
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
