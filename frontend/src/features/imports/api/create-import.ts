import { useMutation, useQueryClient } from '@tanstack/react-query';
import { uploadFile, type UploadProgress } from '@/lib/upload';
import type { Import } from '@/types/api';
import { storeImport } from './import-cache';
import { importKeys } from './query-keys';

export type CreateImportInput = {
  file: File;
  onProgress?: (progress: UploadProgress) => void;
  onSent?: () => void;
  signal?: AbortSignal;
};

/** Streams the CSV to the API (multipart field `file`), reporting bytes sent. */
export function createImport({ file, ...options }: CreateImportInput): Promise<Import> {
  return uploadFile<Import>('imports', file, options);
}

export function useCreateImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    onSuccess: (created) => {
      void storeImport(queryClient, created);
      void queryClient.invalidateQueries({ queryKey: importKeys.lists() });
    },
  });
}
