/**
 * Download links (`<a download href="/api/…">`) cannot send a header, and a link followed
 * blindly ends as a bare "failed download" when the API refuses it. So a click on one asks the
 * API for a single-use ticket to that URL first (`POST /downloads`, with the token if one is in
 * use) and follows the ticketed URL, so the browser streams the file to disk as for any link
 * (an export of millions of products never sits in the page's memory); a refusal (as many
 * downloads as allowed under way, the server out of reach) is said in words instead. A middle
 * click (which would open the bare URL in a new tab) downloads the same way. Installed once,
 * when the app starts (see `AppProvider`).
 */
import type { DownloadTicket } from '@/types/api';
import { ApiError, api } from './api';

const TICKETED = 'data-ticketed';

function follow(url: string, name: string | null) {
  const save = document.createElement('a');
  save.href = url;
  save.setAttribute('download', name ?? '');
  save.setAttribute(TICKETED, '');
  document.body.append(save);
  save.click();
  save.remove();
}

/** Listens for clicks on download links; `onError` says why a download failed. Returns the
 * uninstaller. */
export function installTicketedDownloads(onError: (message: string) => void): () => void {
  async function download(link: HTMLAnchorElement, target: URL) {
    try {
      const ticket = await api.post<DownloadTicket>('downloads', { url: target.pathname + target.search });
      follow(ticket.url, link.getAttribute('download'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // the token prompt asks again
      onError(
        error instanceof ApiError && error.status === 0
          ? 'The download could not start: the server could not be reached.'
          : `The download could not start: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
    }
  }

  function onClick(event: MouseEvent) {
    const primary = event.type === 'click' && event.button === 0;
    const middle = event.type === 'auxclick' && event.button === 1;
    if (event.defaultPrevented || !(primary || middle)) return;
    const link = (event.target as Element | null)?.closest?.('a[download]');
    if (!(link instanceof HTMLAnchorElement) || link.hasAttribute(TICKETED)) return;
    const target = new URL(link.href, window.location.href);
    if (target.origin !== window.location.origin || !target.pathname.startsWith('/api/')) return;
    event.preventDefault();
    void download(link, target);
  }

  document.addEventListener('click', onClick);
  document.addEventListener('auxclick', onClick);
  return () => {
    document.removeEventListener('click', onClick);
    document.removeEventListener('auxclick', onClick);
  };
}
