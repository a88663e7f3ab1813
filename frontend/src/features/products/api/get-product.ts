import { api } from '@/lib/api';
import type { Product } from '@/types/api';

export function getProduct(id: number, signal?: AbortSignal): Promise<Product> {
  return api.get<Product>(`products/${id}`, undefined, signal);
}
