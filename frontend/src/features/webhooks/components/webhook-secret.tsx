import type { ReactNode } from 'react';
import { Button } from '@/components/button';
import { useToast } from '@/components/toast';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // No Clipboard API (a page served over plain http from another host than localhost): the
  // text is selected in a hidden field, which takes the keyboard focus; it goes back after.
  const previous = document.activeElement;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  let ok = false;
  try {
    area.select();
    ok = document.execCommand('copy');
  } finally {
    area.remove();
    if (previous instanceof HTMLElement) previous.focus();
  }
  if (!ok) throw new Error('copy failed');
}

type WebhookSecretProps = {
  secret: string | null | undefined;
  label: string;
  /** Shown in full (the card reveals a secret it has just rotated to). */
  revealed: boolean;
  onRevealedChange: (revealed: boolean) => void;
  /** More buttons at the end of the row (Rotate secret). */
  actions?: ReactNode;
};

/** The signing secret: hidden until revealed (or until a copy fails), copyable either way. */
export function WebhookSecret({ secret, label, revealed, onRevealedChange, actions }: WebhookSecretProps) {
  const toast = useToast();
  if (!secret) {
    return (
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        <span className="text-sm text-slate-600">No secret available.</span>
        {actions}
      </div>
    );
  }
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-2">
      {/* A <code> cannot be named (aria-label is ignored there): screen readers get words
          instead of the bullets, and the secret once revealed. */}
      <code
        className="min-w-0 rounded bg-slate-100 px-2 py-1 font-mono text-xs break-all text-slate-800"
        data-testid="webhook-secret"
      >
        {revealed ? (
          secret
        ) : (
          <>
            <span aria-hidden="true">{'•'.repeat(16)}</span>
            <span className="sr-only">Signing secret for {label} (hidden)</span>
          </>
        )}
      </code>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => onRevealedChange(!revealed)}
        aria-pressed={revealed}
        data-item-action="reveal-secret"
      >
        {revealed ? 'Hide' : 'Reveal'}
        <span className="sr-only"> secret for {label}</span>
      </Button>
      <Button
        size="sm"
        variant="secondary"
        data-item-action="copy-secret"
        onClick={() =>
          copyText(secret).then(
            () => toast.success('Secret copied to the clipboard.'),
            () => {
              // Shown, so that it can be selected and copied by hand, as the message says.
              if (!revealed) onRevealedChange(true);
              toast.error('Could not copy: select the revealed secret and copy it by hand.');
            },
          )
        }
      >
        Copy<span className="sr-only"> secret for {label}</span>
      </Button>
      {actions}
    </div>
  );
}
