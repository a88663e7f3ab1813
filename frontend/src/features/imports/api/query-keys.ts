export const importKeys = {
  lists: () => ['imports', 'list'] as const,
  /** The history's pages. */
  pages: () => [...importKeys.lists(), 'page'] as const,
  list: (page: number, pageSize: number) => [...importKeys.pages(), { page, pageSize }] as const,
  /** The newest imports, polled for those queued or running (see `useActiveImports`); among the
   * lists, so what refreshes them (an upload, a cancel, an import's end) refreshes it too. */
  recent: () => [...importKeys.lists(), 'recent'] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
  /** Set (to true) once the import's event stream was given up: it is polled, and leaves the
   * stream to the next import on screen. */
  streamGivenUp: (id: string) => ['imports', 'stream-given-up', id] as const,
};
