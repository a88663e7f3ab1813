import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ToastProvider, useToast } from '@/components/toast';
import { installTicketedDownloads } from '@/lib/ticketed-downloads';
import { createQueryClient } from '@/lib/query-client';

export function AppProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <TicketedDownloads />
        {children}
      </ToastProvider>
    </QueryClientProvider>
  );
}

/** Download links ask for a ticket first (sending the API token, if any), for the app's lifetime; a
 * refusal is told in a toast. */
function TicketedDownloads() {
  const { error } = useToast();
  useEffect(() => installTicketedDownloads(error), [error]);
  return null;
}
