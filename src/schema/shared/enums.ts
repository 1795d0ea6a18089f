/** Enums shared by several products. */
import { builder } from '../builder.ts';

export const HttpMethod = builder.enumType('HttpMethod', {
  description: 'An HTTP method Twilio uses to call a webhook.',
  values: {
    GET: { value: 'GET', description: 'Parameters in the query string.' },
    POST: { value: 'POST', description: 'Parameters in a form-encoded body.' },
    HEAD: { value: 'HEAD', description: 'Like GET, without a response body.' },
    PATCH: { value: 'PATCH', description: 'Parameters in the body, as a partial update.' },
    PUT: { value: 'PUT', description: 'Parameters in the body, as a replacement.' },
    DELETE: { value: 'DELETE', description: 'Parameters in the query string, as a deletion.' },
  } as const,
});
