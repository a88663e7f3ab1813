/**
 * The API token for this browser tab. When the server is configured with API tokens it answers
 * 401 without one; the UI then asks for it (TokenPrompt), keeps it in sessionStorage (gone when
 * the tab closes) and sends it as `Authorization: Bearer …` on every request. Never in a URL.
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'product-importer.api-token';

export type AuthState = {
  /** The token in use, if any. */
  token: string | null;
  /** The API answered 401 since the token was last set: ask for one. */
  required: boolean;
};

function readToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let state: AuthState = { token: typeof window === 'undefined' ? null : readToken(), required: false };
const listeners = new Set<() => void>();

function update(next: Partial<AuthState>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return state.token;
}

export function setToken(token: string) {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (private mode): keep it for this page only.
  }
  update({ token, required: false });
}

export function signOut() {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
  update({ token: null, required: false });
}

/** Called by the HTTP client on a 401. */
export function reportUnauthorized() {
  if (!state.required) update({ required: true });
}

/** The person closed the prompt without a token; ask again on the next 401. */
export function dismissPrompt() {
  update({ required: false });
}

export function authHeaders(): Record<string, string> {
  return state.token ? { Authorization: `Bearer ${state.token}` } : {};
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useAuth(): AuthState {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

/**
 * Download links (`<a download href="/api/…">`) cannot send a header. While a token is in use,
 * fetch such a file with it and hand the browser the result instead. Returns the uninstaller.
 */
export function installAuthenticatedDownloads(onError: (message: string) => void): () => void {
  async function download(link: HTMLAnchorElement) {
    const response = await fetch(link.href, { headers: authHeaders() });
    if (response.status === 401) {
      reportUnauthorized();
      return;
    }
    if (!response.ok) {
      onError(`The download failed (HTTP ${response.status}).`);
      return;
    }
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? link.getAttribute('download') ?? 'download';
    const url = URL.createObjectURL(await response.blob());
    const save = document.createElement('a');
    save.href = url;
    save.download = name;
    document.body.append(save);
    save.click();
    save.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  function onClick(event: MouseEvent) {
    if (!state.token || event.defaultPrevented || event.button !== 0) return;
    const link = (event.target as Element | null)?.closest?.('a[download]');
    if (!(link instanceof HTMLAnchorElement)) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    download(link).catch(() => onError('The download failed: the server could not be reached.'));
  }

  document.addEventListener('click', onClick);
  return () => document.removeEventListener('click', onClick);
}
