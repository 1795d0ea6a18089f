/**
 * Reads the Twilio OpenAPI files in `specs/` and writes what is derived from
 * them: `src/twilio/generated/<product>.ts`, with a type for every REST
 * record, every enum, every operation's request, the operation table and one
 * typed call per operation.
 *
 * Two stages keep it open to more outputs: `buildModel()` turns the specs
 * into a product-neutral model, and each `render*` function prints one kind
 * of file from it. Output is deterministic: declarations sorted by name,
 * fields and enum values in spec order.
 *
 * It then prints the GraphQL SDL into `schema/` (see `schema-files.ts`).
 *
 * Run with `npm run generate`; `test/twilio/generated.test.ts` and
 * `test/schema/sdl.test.ts` fail when the committed files drift.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Product = 'chat' | 'proxy' | 'events' | 'accounts';

/** One spec file and how its names map onto this project's. */
interface ProductSource {
  product: Product;
  file: string;
  /** Type-name prefix, e.g. `Chat`. */
  prefix: string;
  /** Component-name prefix of the spec's records, e.g. `ip_messaging.v2.`. */
  componentPrefix: string;
}

export const PRODUCT_SOURCES: readonly ProductSource[] = [
  // Chat v2 ships as ip_messaging_v2.json: the same API under Chat's older name.
  { product: 'chat', file: 'ip_messaging_v2.json', prefix: 'Chat', componentPrefix: 'ip_messaging.v2.' },
  { product: 'proxy', file: 'proxy_v1.json', prefix: 'Proxy', componentPrefix: 'proxy.v1.' },
  { product: 'events', file: 'events_v1.json', prefix: 'Events', componentPrefix: 'events.v1.' },
  { product: 'accounts', file: 'accounts_v1.json', prefix: 'Accounts', componentPrefix: 'accounts.v1.' },
];

// ---------------------------------------------------------------------------
// The model

/** A type as the model knows it, before it is printed in any language. */
export type TypeModel =
  | { kind: 'string'; format?: string | undefined }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'enum'; name: string }
  | { kind: 'literals'; values: string[] }
  | { kind: 'array'; items: TypeModel }
  | { kind: 'object'; fields: FieldModel[] }
  | { kind: 'map' }
  | { kind: 'json' };

export interface FieldModel {
  /** The wire name (`friendly_name` in records, `FriendlyName` in requests). */
  name: string;
  type: TypeModel;
  nullable: boolean;
  required: boolean;
  description: string | undefined;
}

export interface EnumModel {
  name: string;
  component: string;
  values: string[];
}

export interface RecordModel {
  name: string;
  component: string;
  fields: FieldModel[];
}

export type ParamLocation = 'path' | 'query' | 'header' | 'body';

export interface ParamModel extends FieldModel {
  in: ParamLocation;
}

export interface OperationModel {
  product: Product;
  operationId: string;
  /** `product.operationId`. */
  key: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  pathParams: string[];
  params: ParamModel[];
  description: string | undefined;
  /** The success status the spec lists (200, 201, 204). */
  status: number;
  /** The record type answered, or for lists the item type. */
  record: string | undefined;
  listKey: string | undefined;
  maxPageSize: number | undefined;
  /** The record's fields that identify it (see `keyFieldsOf`); empty when it has none. */
  keyFields: string[];
  /** The name of the generated call function, e.g. `fetchChannel`, `listChannels`. */
  functionName: string;
  /** The name of the generated request type, e.g. `ChatFetchChannelRequest`. */
  requestType: string;
}

export interface ProductModel {
  product: Product;
  file: string;
  prefix: string;
  enums: EnumModel[];
  records: RecordModel[];
  operations: OperationModel[];
}

// Only the parts of OpenAPI these specs use.
interface Schema {
  type?: string;
  format?: string;
  nullable?: boolean;
  description?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  maximum?: number;
  $ref?: string;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: Schema;
}
interface Operation {
  operationId: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Spec {
  paths: Record<string, Partial<Record<'get' | 'post' | 'delete', Operation>> & { parameters?: Parameter[] }>;
  components: { schemas: Record<string, Schema> };
}

/** Reads every spec under `specsDir` into the model. */
export function buildModel(specsDir: string): ProductModel[] {
  return PRODUCT_SOURCES.map((source) => {
    const spec = JSON.parse(readFileSync(join(specsDir, source.file), 'utf8')) as Spec;
    return buildProduct(source, spec);
  });
}

function buildProduct(source: ProductSource, spec: Spec): ProductModel {
  const schemas = spec.components.schemas;
  const enumNames = new Map<string, string>();
  const recordNames = new Map<string, string>();
  const enums: EnumModel[] = [];
  const records: RecordModel[] = [];

  for (const [component, schema] of Object.entries(schemas)) {
    if (component.includes('_enum_') && schema.enum) {
      const name = source.prefix + enumTypeName(component);
      enumNames.set(component, name);
      enums.push({ name, component, values: [...schema.enum] });
    } else if (component.startsWith(source.componentPrefix)) {
      const last = component.slice(source.componentPrefix.length).split('.').at(-1)!;
      recordNames.set(component, `${source.prefix}${pascal(last)}Record`);
    }
  }

  const ref = (schema: Schema): Schema | undefined => (schema.$ref ? schemas[schema.$ref.replace('#/components/schemas/', '')] : undefined);

  const typeOf = (schema: Schema, where: string): TypeModel => {
    if (schema.$ref) {
      const component = schema.$ref.replace('#/components/schemas/', '');
      const enumName = enumNames.get(component);
      if (enumName) return { kind: 'enum', name: enumName };
      throw new Error(`${where}: unexpected $ref ${schema.$ref} (expected an enum component)`);
    }
    if (schema.enum) return { kind: 'literals', values: [...schema.enum] };
    switch (schema.type) {
      case 'string':
        return { kind: 'string', format: schema.format };
      case 'integer':
        return { kind: 'integer' };
      case 'number':
        return { kind: 'number' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'array':
        return { kind: 'array', items: schema.items ? typeOf(schema.items, `${where}[]`) : { kind: 'json' } };
      case 'object':
        if (schema.properties) return { kind: 'object', fields: fieldsOf(schema, where) };
        return schema.format === 'uri-map' ? { kind: 'map' } : { kind: 'json' };
      case undefined:
        // The specs leave free-form JSON (limits, configuration, items) untyped.
        return { kind: 'json' };
      default:
        throw new Error(`${where}: unsupported schema type ${schema.type}`);
    }
  };

  const fieldsOf = (schema: Schema, where: string): FieldModel[] =>
    Object.entries(schema.properties ?? {}).map(([name, property]) => ({
      name,
      type: typeOf(property, `${where}.${name}`),
      nullable: property.nullable === true,
      required: schema.required?.includes(name) ?? false,
      description: text(property.description),
    }));

  for (const [component, name] of recordNames) {
    records.push({ name, component, fields: fieldsOf(schemas[component]!, component) });
  }

  const operations: OperationModel[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of ['get', 'post', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const where = `${source.file} ${op.operationId}`;
      const params: ParamModel[] = [];
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (p.in !== 'path' && p.in !== 'query' && p.in !== 'header') throw new Error(`${where}: parameter in ${p.in}`);
        params.push({
          in: p.in,
          name: p.name,
          type: typeOf(p.schema, `${where} ${p.name}`),
          nullable: false,
          required: p.in === 'path' || p.required === true,
          description: text(p.description),
        });
      }
      const bodyContent = op.requestBody?.content;
      if (bodyContent) {
        const form = bodyContent['application/x-www-form-urlencoded'];
        if (!form) throw new Error(`${where}: request body is not form-encoded`);
        const bodySchema = ref(form.schema) ?? form.schema;
        for (const field of fieldsOf(bodySchema, `${where} body`)) params.push({ ...field, in: 'body' });
      }
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const name of pathParams) {
        if (!params.some((p) => p.in === 'path' && p.name === name)) throw new Error(`${where}: no parameter for {${name}}`);
      }

      const [statusText, response] = Object.entries(op.responses)[0]!;
      const status = Number(statusText);
      const responseSchema = response.content?.['application/json']?.schema;
      let record: string | undefined;
      let listKey: string | undefined;
      if (responseSchema) {
        const component = responseSchema.$ref?.replace('#/components/schemas/', '');
        const resolved = ref(responseSchema) ?? responseSchema;
        if (component && recordNames.has(component)) {
          record = recordNames.get(component);
        } else if (resolved.properties?.meta) {
          const keys = Object.keys(resolved.properties).filter((k) => k !== 'meta');
          if (keys.length !== 1) throw new Error(`${where}: list response has keys ${keys.join(', ')}`);
          listKey = keys[0]!;
          const itemRef = resolved.properties[listKey]!.items?.$ref?.replace('#/components/schemas/', '');
          record = itemRef ? recordNames.get(itemRef) : undefined;
          if (!record) throw new Error(`${where}: list items are not a record component`);
        } else {
          throw new Error(`${where}: response is neither a record nor a list`);
        }
      }
      const pageSize = params.find((p) => p.in === 'query' && p.name === 'PageSize');
      const maxPageSize = listKey ? (op.parameters ?? []).find((p) => p.name === 'PageSize')?.schema.maximum : undefined;
      if (listKey && !pageSize) throw new Error(`${where}: list without PageSize`);

      operations.push({
        product: source.product,
        operationId: op.operationId,
        key: `${source.product}.${op.operationId}`,
        method: method.toUpperCase() as OperationModel['method'],
        path,
        pathParams,
        params,
        description: text(op.description),
        status,
        record,
        listKey,
        maxPageSize,
        keyFields: [],
        functionName: functionName(op.operationId),
        requestType: `${source.prefix}${op.operationId}Request`,
      });
    }
  }

  const keys = keyFieldsOf(records, operations);
  for (const op of operations) op.keyFields = (op.record && keys.get(op.record)) || [];

  const model: ProductModel = {
    product: source.product,
    file: source.file,
    prefix: source.prefix,
    enums: enums.sort(byName),
    records: records.sort(byName),
    operations: operations.sort((a, b) => compare(a.operationId, b.operationId)),
  };
  assertUniqueNames(model);
  return model;
}

/**
 * The fields that identify each record: its `sid`, and those its REST paths
 * address it by when the record has such a field
 * (`/v2/Services/{ServiceSid}/Channels/{Sid}` → `service_sid`, `sid`; a
 * UserChannel's `channel_sid`, a SchemaVersion's `schema_version`), in record
 * order. A body without them cannot be served, so the client checks them on
 * every answer (and nothing more).
 */
function keyFieldsOf(records: readonly RecordModel[], operations: readonly OperationModel[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const record of records) {
    const names = new Set(record.fields.map((f) => f.name));
    const wanted = new Set<string>(['sid']);
    for (const op of operations) {
      if (op.record !== record.name || op.listKey) continue;
      for (const param of op.pathParams) {
        const field = snake(param);
        if (names.has(field)) wanted.add(field);
      }
    }
    const keys = record.fields.map((f) => f.name).filter((name) => wanted.has(name));
    if (keys.length > 0) result.set(record.name, keys);
  }
  return result;
}

/** `channel_enum_channel_type` → `ChannelType`; `user_channel_enum_channel_status` → `UserChannelStatus`. */
function enumTypeName(component: string): string {
  const [resource = '', name = ''] = component.split('_enum_');
  const lastWord = resource.split('_').at(-1)!;
  const rest = name.startsWith(`${lastWord}_`) ? name.slice(lastWord.length + 1) : name;
  return pascal(resource) + pascal(rest);
}

/** `FetchChannel` → `fetchChannel`; lists read as plurals: `ListMember` → `listMembers`. */
function functionName(operationId: string): string {
  const name = operationId[0]!.toLowerCase() + operationId.slice(1);
  if (!operationId.startsWith('List')) return name;
  if (name.endsWith('s')) return name;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

function assertUniqueNames(model: ProductModel): void {
  const seen = new Map<string, string>();
  const claim = (name: string, what: string) => {
    const previous = seen.get(name);
    if (previous) throw new Error(`${model.file}: ${what} and ${previous} would both be named ${name}`);
    seen.set(name, what);
  };
  for (const e of model.enums) claim(e.name, e.component);
  for (const r of model.records) claim(r.name, r.component);
  for (const op of model.operations) {
    claim(op.requestType, `${op.operationId} request`);
    claim(op.functionName, `${op.operationId} call`);
  }
}

// ---------------------------------------------------------------------------
// TypeScript output

const GENERATED_DIR = 'src/twilio/generated';

/** The REST-layer files, as `path → contents`, paths relative to the repository root. */
export function renderRestFiles(models: readonly ProductModel[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const model of models) files.set(`${GENERATED_DIR}/${model.product}.ts`, renderRestModule(model));
  return files;
}

function renderRestModule(model: ProductModel): string {
  const out: string[] = [];
  const hasLists = model.operations.some((op) => op.listKey);
  const hasSingles = model.operations.some((op) => !op.listKey);
  out.push(
    `// Generated by scripts/generate.ts from specs/${model.file}. Do not edit: run \`npm run generate\`.`,
    '',
    `import type { CallOptions, TwilioClient } from '../client.ts';`,
    `import type { ${[hasSingles ? 'TwilioOperation' : '', hasLists ? 'TwilioListOperation' : ''].filter(Boolean).join(', ')} } from '../operation.ts';`,
  );
  if (hasLists) out.push(`import { fetchPage, type TwilioPage } from '../paging.ts';`);
  out.push('');

  out.push('// Enums', '');
  for (const e of model.enums) {
    out.push(`/** \`${e.component}\` */`);
    out.push(`export type ${e.name} = ${e.values.map(quote).join(' | ')};`, '');
  }

  out.push('// Records: the JSON Twilio answers with (snake_case, as on the wire)', '');
  for (const r of model.records) {
    out.push(`/** \`${r.component}\` */`);
    if (r.fields.length === 0) {
      out.push(`export type ${r.name} = Record<string, unknown>;`, '');
      continue;
    }
    out.push(`export interface ${r.name} {`);
    for (const f of r.fields) {
      out.push(...jsdoc(f.description, '  '));
      out.push(`  ${prop(f.name)}: ${tsType(f.type, 'record', '  ')}${orNull(f)};`);
    }
    out.push('}', '');
  }

  out.push('// Requests: parameters under their Twilio names', '');
  for (const op of model.operations) {
    out.push(...renderRequest(op));
  }

  out.push('// Operations', '');
  out.push(`/** Every ${model.prefix} operation in \`specs/${model.file}\`, by operationId. */`);
  out.push(`export interface ${model.prefix}Operations {`);
  for (const op of model.operations) {
    out.push(`  /** \`${op.method} ${op.path}\` */`);
    out.push(`  readonly ${op.operationId}: ${operationType(op)};`);
  }
  out.push('}', '');
  out.push(`export const ${model.product}Operations: ${model.prefix}Operations = {`);
  for (const op of model.operations) {
    const entries: string[] = [
      `key: ${quote(op.key)}`,
      `product: ${quote(op.product)}`,
      `operationId: ${quote(op.operationId)}`,
      `method: ${quote(op.method)}`,
      `path: ${quote(op.path)}`,
      `pathParams: [${op.pathParams.map(quote).join(', ')}]`,
    ];
    if (op.listKey) entries.push(`listKey: ${quote(op.listKey)}`);
    if (op.maxPageSize !== undefined) entries.push(`maxPageSize: ${op.maxPageSize}`);
    if (op.record) entries.push(`record: ${quote(op.record)}`);
    if (op.keyFields.length > 0) entries.push(`keyFields: [${op.keyFields.map(quote).join(', ')}]`);
    out.push(`  ${op.operationId}: {`);
    for (const entry of entries) out.push(`    ${entry},`);
    out.push('  },');
  }
  out.push('};', '');

  out.push('// Calls', '');
  for (const op of model.operations) {
    const optional = !requestRequired(op);
    const requestParam = `request: ${op.requestType}${optional ? ' = {}' : ''}`;
    const what = op.listKey ? `One page of \`${op.listKey}\`` : op.record ? `\`${op.record}\`` : 'Nothing';
    out.push(...docBlock([op.description, `\`${op.method} ${op.path}\` → ${op.status}. ${what}.`], ''));
    const result = op.listKey ? `TwilioPage<${op.record}>` : (op.record ?? 'void');
    const body = op.listKey
      ? `fetchPage(client, ${model.product}Operations.${op.operationId}, request, options)`
      : `client.call(${model.product}Operations.${op.operationId}, request, options)`;
    out.push(
      `export function ${op.functionName}(`,
      '  client: TwilioClient,',
      `  ${requestParam},`,
      '  options?: CallOptions,',
      `): Promise<${result}> {`,
      `  return ${body};`,
      '}',
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderRequest(op: OperationModel): string[] {
  const out: string[] = [];
  out.push(`/** Parameters of ${op.operationId}: \`${op.method} ${op.path}\`. */`);
  if (op.params.length === 0) {
    out.push(`export type ${op.requestType} = Record<string, never>;`, '');
    return out;
  }
  out.push(`export interface ${op.requestType} {`);
  for (const location of ['path', 'query', 'body', 'headers'] as const) {
    const params = op.params.filter((p) => (location === 'headers' ? p.in === 'header' : p.in === location));
    if (params.length === 0) continue;
    const required = params.some((p) => p.required);
    out.push(`  ${location}${required ? '' : '?'}: {`);
    for (const p of params) {
      out.push(...jsdoc(p.description, '    '));
      const type = p.in === 'path' ? pathParamType(p.type) : tsType(p.type, 'request', '    ');
      out.push(`    ${prop(p.name)}${p.required ? '' : '?'}: ${type};`);
    }
    out.push('  };');
  }
  out.push('}', '');
  return out;
}

/** `| null` for nullable fields; `unknown` already includes null. */
function orNull(field: FieldModel): string {
  return field.nullable && field.type.kind !== 'json' ? ' | null' : '';
}

function requestRequired(op: OperationModel): boolean {
  return op.params.some((p) => p.required);
}

function operationType(op: OperationModel): string {
  if (op.listKey) return `TwilioListOperation<${op.requestType}, ${quote(op.listKey)}, ${op.record}>`;
  return `TwilioOperation<${op.requestType}, ${op.record ?? 'void'}>`;
}

function pathParamType(type: TypeModel): string {
  return type.kind === 'integer' || type.kind === 'number' ? 'number | string' : 'string';
}

/**
 * Prints a type. Records describe what Twilio sends (dates are strings);
 * requests describe what callers may pass (a Date for a date-time, any JSON
 * value for a free-form parameter).
 */
function tsType(type: TypeModel, side: 'record' | 'request', indent: string): string {
  switch (type.kind) {
    case 'string':
      return side === 'request' && type.format === 'date-time' ? 'string | Date' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return type.name;
    case 'literals':
      return type.values.map(quote).join(' | ');
    case 'array': {
      const items = tsType(type.items, side, indent);
      const wrapped = /[|&\s]/.test(items) ? `(${items})` : items;
      return side === 'request' ? `readonly ${wrapped}[]` : `${wrapped}[]`;
    }
    case 'object': {
      const inner = type.fields.map((f) => `${indent}  ${prop(f.name)}${f.required ? '' : '?'}: ${tsType(f.type, side, `${indent}  `)}${orNull(f)};`);
      return `{\n${inner.join('\n')}\n${indent}}`;
    }
    case 'map':
      return 'Record<string, string>';
    case 'json':
      return side === 'request' ? 'string | Readonly<Record<string, unknown>>' : 'unknown';
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** `ServiceSid` → `service_sid`, `Id` → `id`. */
function snake(pascalName: string): string {
  return pascalName.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

function pascal(snake: string): string {
  return snake
    .split(/[_\-.]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function text(description: string | undefined): string | undefined {
  const trimmed = description?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed : undefined;
}

/** A JSDoc comment for one description (nothing when there is none). */
function jsdoc(description: string | undefined, indent: string): string[] {
  return docBlock([description], indent);
}

/** A JSDoc comment of paragraphs wrapped at 100 columns; one line when it fits. */
function docBlock(paragraphs: ReadonlyArray<string | undefined>, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    if (!paragraph) continue;
    if (lines.length > 0) lines.push('');
    let line = '';
    for (const word of paragraph.replaceAll('*/', '*\\/').split(' ')) {
      if (line && indent.length + 3 + line.length + 1 + word.length > 100) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
  }
  if (lines.length === 0) return [];
  if (lines.length === 1 && indent.length + 7 + lines[0]!.length <= 100) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`];
}

function prop(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { name: string }, b: { name: string }): number {
  return compare(a.name, b.name);
}

// ---------------------------------------------------------------------------
// Entry point

/** Every generated file, as `path → contents`. */
export function renderAll(root: string): Map<string, string> {
  return renderRestFiles(buildModel(join(root, 'specs')));
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  // The SDL comes from the schema code, which imports the REST files written just before it.
  const files = renderAll(root);
  write(root, files);
  const { renderSchemaFiles } = await import('./schema-files.ts');
  write(root, renderSchemaFiles());
}

function write(root: string, files: Map<string, string>): void {
  for (const [path, contents] of files) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents);
    console.log(`wrote ${path}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
