export const importKeys = {
  lists: () => ['imports', 'list'] as const,
  list: (page: number, pageSize: number) => ['imports', 'list', { page, pageSize }] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
};
