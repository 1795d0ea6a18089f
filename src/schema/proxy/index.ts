/** Proxy v1 in the graph. Imported for their side effects, parents before children. */
import './service.ts';
import './phone-number.ts';
import './short-code.ts';
