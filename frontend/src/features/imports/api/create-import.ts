import { useMutation, useQueryClient } from '@tanstack/react-query';
import { uploadFile, type UploadProgress } from '@/lib/api';
import type { Import } from '@/types/api';
import { importKeys } from './query-keys';

export type CreateImportInput = {
  file: File;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
};

/** Streams the CSV to the API (multipart field `file`), reporting bytes sent. */
export function createImport({ file, onProgress, signal }: CreateImportInput): Promise<Import> {
  return uploadFile<Import>('imports', file, { onProgress, signal });
}

export function useCreateImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    onSuccess: (created) => {
      queryClient.setQueryData(importKeys.detail(created.id), created);
      void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
    },
  });
}
