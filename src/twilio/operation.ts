/**
 * The shape of one Twilio REST operation as the generated tables describe it,
 * and the request a caller hands to `TwilioClient.call`.
 */

/** The four Twilio products this gateway fronts; each has its own host. */
export type TwilioProduct = 'chat' | 'proxy' | 'events' | 'accounts';

/** Every product, in a fixed order. */
export const TWILIO_PRODUCTS: readonly TwilioProduct[] = ['chat', 'proxy', 'events', 'accounts'];

/** The HTTP methods Twilio's REST APIs use. */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** A scalar Twilio accepts in a form body or query string. */
export type FormScalar = string | number | boolean | Date;

/**
 * A value for one form or query parameter. Arrays become repeated keys; plain
 * objects are sent as JSON text, as Twilio expects for parameters such as
 * Events' `SinkConfiguration`. `undefined` and `null` leave the key out.
 */
export type FormValue = FormScalar | Readonly<Record<string, unknown>> | readonly unknown[] | null | undefined;

/** The parts of one REST call, keyed by Twilio's own parameter names. */
export interface TwilioRequest {
  /** Values for the `{Name}` segments of the path template; always percent-encoded. */
  path?: Readonly<Record<string, string | number>>;
  /** Query parameters (list filters, paging). */
  query?: Readonly<Record<string, FormValue>>;
  /** Form-encoded body parameters; dotted names such as `Notifications.NewMessage.Enabled` pass through. */
  body?: Readonly<Record<string, FormValue>>;
  /** Extra request headers, such as `X-Twilio-Webhook-Enabled`. */
  headers?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** The `meta` block of every Twilio list page. */
export interface TwilioPageMeta {
  page: number;
  page_size: number;
  first_page_url: string;
  previous_page_url: string | null;
  url: string;
  next_page_url: string | null;
  /** The name of the property holding the page's records. */
  key: string;
}

/** A raw Twilio list response: the records under `Key`, and `meta`. */
export type TwilioListResponse<Key extends string, Item> = { [K in Key]: Item[] } & { meta: TwilioPageMeta };

/**
 * One REST operation from the specs. `Req` and `Res` ride along as phantom
 * types so `client.call(op, request)` is typed from the table entry alone.
 */
export interface TwilioOperation<Req extends TwilioRequest = TwilioRequest, Res = unknown> {
  /** `product.operationId`, e.g. `chat.FetchChannel`; operationIds repeat across products. */
  readonly key: string;
  readonly product: TwilioProduct;
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The path template, e.g. `/v2/Services/{ServiceSid}/Channels/{Sid}`. */
  readonly path: string;
  /** The names in the path template, in order. */
  readonly pathParams: readonly string[];
  /** For list operations: the property that holds the records. */
  readonly listKey?: string;
  /** For list operations: the largest `PageSize` the spec allows. */
  readonly maxPageSize?: number;
  /** The generated record type the operation answers with, if any. */
  readonly record?: string;
  /**
   * The record's fields that identify it (`['service_sid', 'sid']`): every
   * answer must carry them (each item, for a list), or it is not one to serve.
   */
  readonly keyFields?: readonly string[];
  /** Never set at runtime; carries the request and response types. */
  readonly types?: { readonly request: Req; readonly response: Res };
}

/** A list operation: answers a page of `Item` under `Key`. */
export interface TwilioListOperation<Req extends TwilioRequest = TwilioRequest, Key extends string = string, Item = unknown> extends TwilioOperation<
  Req,
  TwilioListResponse<Key, Item>
> {
  readonly listKey: Key;
}

/** The request type an operation takes. */
export type RequestOf<Op> = Op extends TwilioOperation<infer Req, unknown> ? Req : never;

/** The response type an operation answers with. */
export type ResponseOf<Op> = Op extends TwilioOperation<TwilioRequest, infer Res> ? Res : never;

/** The record type a list operation pages over. */
export type ItemOf<Op> = Op extends TwilioListOperation<TwilioRequest, string, infer Item> ? Item : never;
