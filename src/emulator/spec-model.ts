/**
 * The emulator's view of the four OpenAPI files in `specs/`: routes, operations,
 * parameters, resources (SID prefix, id field, list key, properties) and links.
 * Everything generic the emulator does is driven from this model; the Twilio
 * behaviour the specs cannot express lives in `rules/`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export type Product = 'chat' | 'proxy' | 'events' | 'accounts';

/** The spec file of each product, in `specs/` at the project root. */
export const SPEC_FILES: Record<Product, string> = {
  chat: 'ip_messaging_v2.json',
  proxy: 'proxy_v1.json',
  events: 'events_v1.json',
  accounts: 'accounts_v1.json',
};

export const PRODUCTS = Object.keys(SPEC_FILES) as Product[];

/** A JSON-schema fragment as the specs write it (after `$ref` resolution). */
export interface SchemaNode {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  description?: string;
  $ref?: string;
}

/** One parameter of an operation: path, query, header, or a form field of the body. */
export interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'body';
  required: boolean;
  schema: SchemaNode;
  /** Compiled from `schema.pattern`, when there is one. */
  pattern?: RegExp;
}

export type OperationKind = 'list' | 'create' | 'fetch' | 'update' | 'delete' | 'action';

export interface OperationSpec {
  /** `product.operationId`, unique across the four APIs (`CreateService` exists in Chat and Proxy). */
  id: string;
  product: Product;
  operationId: string;
  method: 'GET' | 'POST' | 'DELETE';
  pathTemplate: string;
  kind: OperationKind;
  params: ParamSpec[];
  pathParams: ParamSpec[];
  queryParams: ParamSpec[];
  headerParams: ParamSpec[];
  bodyParams: ParamSpec[];
  /** The HTTP status of success (200, 201 or 204). */
  successStatus: number;
  /** The resource the operation reads or writes. */
  resource: ResourceSpec;
}

export interface ResourceSpec {
  /** `product.component`, e.g. `chat.ip_messaging.v2.service.channel`. */
  key: string;
  product: Product;
  schemaName: string;
  /** Template of the instance path (`/v2/Services/{ServiceSid}/Channels/{Sid}`), or null for list-only resources. */
  instancePath: string | null;
  /** Template of the collection path (`/v2/Services/{ServiceSid}/Channels`). */
  collectionPath: string;
  /** The key of the list in a page (`channels`), when the resource is listed. */
  listKey: string | null;
  /** The property that identifies an instance: `sid`, or `type`, `id`, `schema_version`, `channel_sid`. */
  idField: string;
  /** The name of the last path parameter of the instance path (`Sid`, `ChannelSid`, `Type`). */
  idParam: string | null;
  /** Two-letter SID prefix from the `sid` property's pattern (`CH`), when the resource has a SID. */
  sidPrefix: string | null;
  /** Compiled `sid` pattern. */
  sidPattern: RegExp | null;
  properties: Record<string, SchemaNode>;
  /** Child collections, by link name (`members` -> `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members`). */
  links: Record<string, string>;
}

export interface Route {
  template: string;
  regex: RegExp;
  paramNames: string[];
  operations: Map<string, OperationSpec>;
}

export interface SpecModel {
  operations: OperationSpec[];
  operationsById: Map<string, OperationSpec>;
  resources: Map<string, ResourceSpec>;
  routes: Route[];
  /** Finds the route for a request path (no query string), or undefined. */
  match(pathname: string): { route: Route; params: Record<string, string> } | undefined;
}

const SPECS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../specs');

/** `FriendlyName` -> `friendly_name`, `ChatInstanceSid` -> `chat_instance_sid`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

interface RawOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: SchemaNode }>;
  requestBody?: { content: Record<string, { schema: SchemaNode }> };
  responses: Record<string, { content?: Record<string, { schema: SchemaNode }> }>;
}

interface RawSpec {
  paths: Record<string, Record<string, unknown> & { 'x-twilio'?: { mountName?: string; parent?: string } }>;
  components: { schemas: Record<string, SchemaNode> };
}

function compilePattern(schema: SchemaNode): RegExp | undefined {
  return schema.pattern ? new RegExp(schema.pattern) : undefined;
}

/** Loads and indexes the four specs. Cheap enough to call once per emulator. */
export function loadSpecModel(specsDir = SPECS_DIR): SpecModel {
  const operations: OperationSpec[] = [];
  const resources = new Map<string, ResourceSpec>();
  const routes = new Map<string, Route>();

  for (const product of PRODUCTS) {
    const spec = JSON.parse(readFileSync(path.join(specsDir, SPEC_FILES[product]), 'utf8')) as RawSpec;
    const schemas = spec.components.schemas;
    const deref = (node: SchemaNode): SchemaNode => {
      if (!node.$ref) return node;
      const target = schemas[node.$ref.split('/').pop()!];
      if (!target) throw new Error(`${SPEC_FILES[product]}: unresolved $ref ${node.$ref}`);
      // A property may carry both a $ref and its own description; the target's shape wins.
      const { $ref: _ignored, ...own } = node;
      return { ...own, ...deref(target) };
    };
    const derefDeep = (node: SchemaNode): SchemaNode => {
      const n = deref(node);
      return n.items ? { ...n, items: derefDeep(n.items) } : n;
    };

    // Resources are keyed by the component their fetch/create returns or their list holds.
    const resourceFor = (schemaName: string, pathTemplate: string, isList: boolean, listKey: string | null) => {
      const key = `${product}.${schemaName}`;
      let res = resources.get(key);
      if (!res) {
        const schema = deref(schemas[schemaName] ?? {});
        const properties: Record<string, SchemaNode> = {};
        for (const [name, prop] of Object.entries(schema.properties ?? {})) properties[name] = deref(prop);
        const sidPatternSource = properties.sid?.pattern;
        res = {
          key,
          product,
          schemaName,
          instancePath: null,
          collectionPath: pathTemplate,
          listKey: null,
          idField: 'sid',
          idParam: null,
          sidPrefix: sidPatternSource?.match(/^\^([A-Z]{2})/)?.[1] ?? null,
          sidPattern: sidPatternSource ? new RegExp(sidPatternSource) : null,
          properties,
          links: {},
        };
        resources.set(key, res);
      }
      if (isList) {
        res.collectionPath = pathTemplate;
        if (listKey) res.listKey = listKey;
      }
      return res;
    };

    const pathEntries = Object.entries(spec.paths);
    for (const [pathTemplate, pathItem] of pathEntries) {
      const paramNames = [...pathTemplate.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const regex = new RegExp('^' + pathTemplate.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '([^/]+)') + '$');
      let route = routes.get(pathTemplate);
      if (!route) {
        route = { template: pathTemplate, regex, paramNames, operations: new Map() };
        routes.set(pathTemplate, route);
      }
      for (const method of ['get', 'post', 'delete'] as const) {
        const raw = pathItem[method] as RawOperation | undefined;
        if (!raw) continue;
        const params: ParamSpec[] = [];
        for (const p of raw.parameters ?? []) {
          const schema = derefDeep(p.schema);
          params.push({
            name: p.name,
            in: p.in as ParamSpec['in'],
            required: Boolean(p.required),
            schema,
            pattern: compilePattern(schema),
          });
        }
        const bodySchema = raw.requestBody?.content['application/x-www-form-urlencoded']?.schema;
        if (bodySchema) {
          const body = deref(bodySchema);
          for (const [name, prop] of Object.entries(body.properties ?? {})) {
            const schema = derefDeep(prop);
            params.push({
              name,
              in: 'body',
              required: (body.required ?? []).includes(name),
              schema,
              pattern: compilePattern(schema),
            });
          }
        }
        const [statusText, response] = Object.entries(raw.responses)[0]!;
        const successStatus = Number(statusText);
        const responseSchema = response.content?.['application/json']?.schema;
        let resource: ResourceSpec;
        let kind: OperationKind;
        const resolved = responseSchema ? deref(responseSchema) : undefined;
        const listProps = resolved?.properties?.meta ? resolved.properties : undefined;
        const isInstancePath = /\}$/.test(pathTemplate);
        if (listProps) {
          const listKey = Object.keys(listProps).find((k) => k !== 'meta')!;
          const itemRef = (listProps[listKey]!.items as SchemaNode).$ref!.split('/').pop()!;
          resource = resourceFor(itemRef, pathTemplate, true, listKey);
          kind = 'list';
        } else {
          const schemaName = responseSchema?.$ref?.split('/').pop();
          // A DELETE answers no body: its resource is the one fetched or updated at the same path.
          const sibling = (['get', 'post'] as const)
            .map((m) => (pathItem[m] as RawOperation | undefined)?.responses)
            .map((r) => r && Object.values(r)[0]?.content?.['application/json']?.schema?.$ref)
            .find(Boolean);
          const name = schemaName ?? sibling?.split('/').pop();
          if (!name) throw new Error(`${product}.${raw.operationId}: cannot tell its resource`);
          const collection = isInstancePath ? pathTemplate.replace(/\/\{\w+\}$/, '') : pathTemplate;
          resource = resourceFor(name, collection, false, null);
          if (isInstancePath) {
            resource.instancePath = pathTemplate;
            resource.idParam = paramNames[paramNames.length - 1]!;
            if (!resource.properties.sid) resource.idField = snakeCase(resource.idParam);
            kind = method === 'get' ? 'fetch' : method === 'post' ? 'update' : 'delete';
          } else {
            // Told apart from an action once every path is read: a create makes an addressable instance.
            kind = method === 'post' && successStatus === 201 ? 'create' : 'action';
          }
        }
        const op: OperationSpec = {
          id: `${product}.${raw.operationId}`,
          product,
          operationId: raw.operationId,
          method: method.toUpperCase() as OperationSpec['method'],
          pathTemplate,
          kind,
          params,
          pathParams: params.filter((p) => p.in === 'path'),
          queryParams: params.filter((p) => p.in === 'query'),
          headerParams: params.filter((p) => p.in === 'header'),
          bodyParams: params.filter((p) => p.in === 'body'),
          successStatus,
          resource,
        };
        operations.push(op);
        route.operations.set(op.method, op);
      }
    }

    for (const op of operations) {
      if (op.kind === 'create' && !op.resource.instancePath) op.kind = 'action';
    }

    // Links: every collection whose path extends an instance path by one literal segment.
    for (const [pathTemplate, pathItem] of pathEntries) {
      const m = pathTemplate.match(/^(.*\})\/([A-Za-z]+)$/);
      if (!m) continue;
      const parent = [...resources.values()].find((r) => r.product === product && r.instancePath && shape(r.instancePath) === shape(m[1]!));
      if (!parent) continue;
      const linkName = pathItem['x-twilio']?.mountName ?? snakeCase(m[2]!);
      parent.links[linkName] = pathTemplate;
    }
  }

  const routeList = [...routes.values()];
  // Literal routes before parameterised ones, so `/v1/AuthTokens/Promote` never reads as an id.
  routeList.sort((a, b) => a.paramNames.length - b.paramNames.length);
  return {
    operations,
    operationsById: new Map(operations.map((o) => [o.id, o])),
    resources,
    routes: routeList,
    match(pathname) {
      for (const route of routeList) {
        const m = route.regex.exec(pathname);
        if (!m) continue;
        const params: Record<string, string> = {};
        route.paramNames.forEach((name, i) => {
          params[name] = safeDecode(m[i + 1]!);
        });
        return { route, params };
      }
      return undefined;
    },
  };
}

/** `/v2/Services/{ServiceSid}/Channels` -> `/v2/Services/{}/Channels`: templates that differ only in parameter names are one path. */
export function shape(template: string): string {
  return template.replace(/\{\w+\}/g, '{}');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
