export const importKeys = {
  lists: () => ['imports', 'list'] as const,
  list: (page: number, pageSize: number) => ['imports', 'list', { page, pageSize }] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
  /** Set (to true) once the import's event stream was given up: it is polled, and leaves the
   * stream to the next import on screen. */
  streamGivenUp: (id: string) => ['imports', 'stream-given-up', id] as const,
};
