import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TOKEN_NEEDED, TOKEN_REFUSED } from '@/lib/api-error';
import { askForToken, dismissPrompt, setToken, signOut, useAuth } from '@/lib/auth';
import { Button } from './button';
import { FormAlert, TextField } from './field';
import { Modal } from './modal';
import { isFocusable } from './modal-stack';

const ENTER_TOKEN_ID = 'enter-api-token';

/**
 * Asks for an API token when the API answers 401, keeps it for this tab's session and retries
 * what was on screen.
 */
export function TokenPrompt() {
  const { token, required } = useAuth();
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const entered = value.trim();
    if (!entered) return;
    setToken(entered);
    setValue('');
    void queryClient.invalidateQueries();
  }

  return (
    <Modal
      open={required}
      onClose={dismissPrompt}
      // Opened by a refused request, from nowhere: after Cancel, the way back (`TokenNeeded`).
      returnFocus={(opener) => (isFocusable(opener) ? opener : document.getElementById(ENTER_TOKEN_ID))}
      title="API token required"
      description={
        token
          ? 'The server did not accept this token. Enter a valid one.'
          : 'This server asks for an API token. It is kept until you close this tab or sign out.'
      }
      footer={
        <>
          <Button variant="secondary" onClick={dismissPrompt}>
            Cancel
          </Button>
          <Button type="submit" form="api-token-form" disabled={!value.trim()}>
            Sign in
          </Button>
        </>
      }
    >
      <form id="api-token-form" onSubmit={submit} className="space-y-3">
        {token && <FormAlert>The token was refused (HTTP 401).</FormAlert>}
        <TextField
          label="API token"
          type="password"
          name="api-token"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          hint="Ask the person who runs this server for a token."
          required
        />
      </form>
    </Modal>
  );
}

/**
 * After the prompt was dismissed while the API refuses: what is wrong, in plain words, and the
 * way to the prompt again (nothing else asks for it: polls wait, and a Retry is refused again).
 */
export function TokenNeeded() {
  const { token, required, refused } = useAuth();
  if (!refused || required) return null;
  return (
    <div
      role="status"
      data-testid="token-needed"
      className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950 ring-1 ring-amber-200"
    >
      <p>{token ? TOKEN_REFUSED : TOKEN_NEEDED}</p>
      <Button id={ENTER_TOKEN_ID} variant="secondary" size="sm" onClick={askForToken}>
        Enter token
      </Button>
    </div>
  );
}

/** Forgets the token; the next request asks again. Shown only while a token is in use that the
 * server has not refused: one it refused signs nobody in (the prompt or `TokenNeeded` asks for
 * another). */
export function SignOutButton() {
  const { token, refused } = useAuth();
  const queryClient = useQueryClient();
  if (!token || refused) return null;
  return (
    <Button
      variant="ghost"
      size="sm"
      onClick={() => {
        signOut();
        // Drop what was read with the token; what is on screen asks again.
        void queryClient.resetQueries();
      }}
    >
      Sign out
    </Button>
  );
}
