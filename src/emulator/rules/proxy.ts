/** Proxy behaviour beyond CRUD. */
import type { ProductRules } from './types.ts';

export const proxyRules: ProductRules = {
  resources: {},
};
