/**
 * Download links (`<a download href="/api/…">`) cannot send a header. While a token is in use,
 * a click on one fetches the file with it and hands the browser the result instead. Installed
 * once, when the app starts (see `AppProvider`).
 */
import { authHeaders, getToken, reportUnauthorized } from './auth';

/** Listens for clicks on download links; `onError` says why a download failed. Returns the
 * uninstaller. */
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
    if (!getToken() || event.defaultPrevented || event.button !== 0) return;
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
