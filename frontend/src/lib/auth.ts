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
  /**
   * The API refused the token in use (or asked for one) and has accepted nothing since: polls and
   * live streams wait, as each would be refused too. Unlike `required`, a dismissed prompt does
   * not end it: a request the person makes does (asking again if it is refused), or a new token.
   */
  refused: boolean;
};

function readToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let state: AuthState = {
  token: typeof window === 'undefined' ? null : readToken(),
  required: false,
  refused: false,
};
const listeners = new Set<() => void>();
/** Bumped when the token is set or dropped and when the prompt is dismissed: a request remembers
 * the generation it was sent in, and a 401 to it from an earlier one says nothing of now. */
let generation = 0;

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
  generation += 1;
  update({ token, required: false, refused: false });
}

export function signOut() {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
  generation += 1;
  update({ token: null, required: false, refused: false });
}

/** Taken by the HTTP client as it sends a request, and given back with a 401 to it. */
export function authTicket(): number {
  return generation;
}

/** Called by the HTTP client on a 401. One to a request sent before the prompt was dismissed (the
 * person has just said no; polling stays paused) or with a token since replaced is let be. */
export function reportUnauthorized(ticket: number = generation) {
  if (ticket !== generation) return;
  if (!state.required || !state.refused) update({ required: true, refused: true });
}

/** Called by the HTTP client on a successful answer: the API takes the token (again). */
export function reportAccepted() {
  if (state.refused) update({ refused: false });
}

/** The person asks to give a token (e.g. while updates are paused): the prompt opens again. */
export function askForToken() {
  update({ required: true });
}

/** The person closed the prompt without a token. Polling stays paused, so only a request they
 * make can ask again. */
export function dismissPrompt() {
  generation += 1;
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
 * False while the API refuses the token: polls and live streams wait. Each would be refused
 * again, the server audits every refusal and limits them per address, and each would ask for a
 * token right after the person dismissed the prompt.
 */
export function usePollingAllowed(): boolean {
  return !useAuth().refused;
}
