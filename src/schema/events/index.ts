/**
 * Event Streams (Events v1) in the graph. Imported for their side effects,
 * parents before children: a child type adds its fields to its parent.
 */
import './event-type.ts';
import './schema.ts';
import './schema-version.ts';
import './sink-configuration.ts';
import './sink.ts';
import './sink-validation.ts';
import './subscription.ts';
import './subscribed-event.ts';
import './live.ts';
