/** Imports every product's types and builds the schema; defines nothing itself. */
import { isObjectType } from 'graphql';
import { builder } from './builder.ts';
import { registerNodeTypes } from './shared/global-id.ts';
import { checkKeyOnlyFields } from './shared/keys.ts';
import './chat/index.ts';
import './proxy/index.ts';
import './events/index.ts';
import './accounts/index.ts';
import './federation.ts';

/** The schema the gateway serves: the public schema plus Federation's `_service` and `_entities`. */
export const schema = builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6', sortSchema: true });

/** The same graph without Federation's additions: what clients code against (`schema/schema.graphql`). */
export const publicSchema = builder.toSchema({ sortSchema: true });

registerNodeTypes(
  Object.values(publicSchema.getTypeMap())
    .filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'))
    .map((type) => type.name),
);

checkKeyOnlyFields(schema);
