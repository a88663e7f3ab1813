import { act } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { getUpload } from '@/features/imports/api/upload-store';

/** A stand-in for XMLHttpRequest: records sends; the test reports progress and answers. */
export class FakeXhr {
  static instances: FakeXhr[] = [];
  method = '';
  url = '';
  body: FormData | null = null;
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null; onload: (() => void) | null } = {
    onprogress: null,
    onload: null,
  };
  private sent = false;
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  /** The last bytes of the body leave: the upload's `load`, which comes before any answer. */
  sendAll(total: number) {
    this.progress(total, total);
    this.sent = true;
    this.upload.onload?.();
  }
  respond(status: number, body: unknown) {
    if (!this.sent) this.sendAll(1);
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
  /** The connection breaks before an answer. */
  fail() {
    this.onerror?.();
  }
}

/** Installs FakeXhr for each test of the calling suite, and stops an upload a test left running
 * (an upload outlives its page) before the next one. */
export function useFakeXhr() {
  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });

  afterEach(async () => {
    await act(async () => {
      getUpload()?.controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    vi.unstubAllGlobals();
  });
}
