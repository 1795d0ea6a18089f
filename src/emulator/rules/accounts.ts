/** Accounts behaviour beyond CRUD. */
import type { ProductRules } from './types.ts';

export const accountsRules: ProductRules = {
  resources: {},
};
