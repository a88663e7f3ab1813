import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api';
import type { Import } from '@/types/api';
import { storeImport } from './import-cache';
import { importKeys } from './query-keys';

export function cancelImport(id: string): Promise<Import> {
  return api.post<Import>(`imports/${encodeURIComponent(id)}/cancel`);
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelImport,
    onSuccess: (updated) => {
      void storeImport(queryClient, updated);
      void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
    },
  });
}
