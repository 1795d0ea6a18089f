/** Proxy v1 in the graph. Imported for their side effects, parents before children. */
import './service.ts';
import './phone-number.ts';
import './short-code.ts';
import './session.ts';
import './participant.ts';
import './interaction.ts';
import './message-interaction.ts';
