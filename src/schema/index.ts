/** Imports every product's types and builds the schema; defines nothing itself. */
import { builder } from './builder.ts';
import './chat/index.ts';
import './proxy/index.ts';
import './events/index.ts';
import './accounts/index.ts';

export const schema = builder.toSchema({ sortSchema: true });
