import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ToastProvider, useToast } from '@/components/toast';
import { installAuthenticatedDownloads } from '@/lib/authenticated-downloads';
import { createQueryClient } from '@/lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <AuthenticatedDownloads />
        {children}
      </ToastProvider>
    </QueryClientProvider>
  );
}

/** Lets download links send the API token, for the app's lifetime; a failed download is told
 * in a toast. */
function AuthenticatedDownloads() {
  const { error } = useToast();
  useEffect(() => installAuthenticatedDownloads(error), [error]);
  return null;
}
