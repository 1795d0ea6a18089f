/** Enums shared by several products. */
import { builder } from '../builder.ts';

export const HttpMethod = builder.enumType('HttpMethod', {
  description: 'An HTTP method Twilio uses to call a webhook.',
  values: {
    GET: { value: 'GET' },
    POST: { value: 'POST' },
    HEAD: { value: 'HEAD' },
    PATCH: { value: 'PATCH' },
    PUT: { value: 'PUT' },
    DELETE: { value: 'DELETE' },
  } as const,
});
