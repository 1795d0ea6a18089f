/** Events behaviour beyond CRUD. */
import type { ProductRules } from './types.ts';

export const eventsRules: ProductRules = {
  resources: {},
};
