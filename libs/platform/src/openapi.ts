import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import {
  ACCOUNT_SCHEMA,
  BANK_SCHEMA,
  EXECUTION_SCHEMA,
  FieldKind,
  ORDER_SCHEMA,
  POSITION_SCHEMA,
  QIFI_SCHEMA,
  Schema,
  TRADE_SCHEMA,
  TRANSFER_SCHEMA,
} from '@qautlra/qifi';

/**
 * Response schemas shared by the apps' OpenAPI documents. Apps name their own in
 * `HttpAppOptions.schemas` and point at them with {@link ref}; `createHttpApp` adds the ones a
 * document uses to its `components.schemas` and an error response to every operation.
 */
export type Schemas = Readonly<Record<string, SchemaObject>>;

/** `$ref` to a named component schema. */
export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** An object keyed by id (`orders` by order id, quotes by instrument). */
export const mapOf = (
  values: SchemaObject | ReferenceObject,
  description?: string,
): SchemaObject => ({
  type: 'object',
  additionalProperties: values,
  ...(description ? { description } : {}),
});

export const arrayOf = (items: SchemaObject | ReferenceObject): SchemaObject => ({
  type: 'array',
  items,
});

/** An object whose every listed property is required. */
export function objectOf(
  properties: Record<string, SchemaObject | ReferenceObject>,
  options: { optional?: readonly string[]; description?: string } = {},
): SchemaObject {
  const optional = new Set(options.optional ?? []);
  const required = Object.keys(properties).filter((name) => !optional.has(name));
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(options.description ? { description: options.description } : {}),
  };
}

export const STRING: SchemaObject = { type: 'string' };
export const NUMBER: SchemaObject = { type: 'number' };
export const INTEGER: SchemaObject = { type: 'integer' };
export const BOOLEAN: SchemaObject = { type: 'boolean' };
/** A JSON object of numbers (named metrics, counters by name). */
export const NUMBER_MAP: SchemaObject = mapOf(NUMBER);
/** A number that may be null (a statistic a series is too short for). */
export const MAYBE_NUMBER: SchemaObject = { type: 'number', nullable: true };
export const DATE: SchemaObject = { type: 'string', format: 'date' };
export const MAYBE_DATE: SchemaObject = { type: 'string', format: 'date', nullable: true };
/** One of these strings. */
export const textEnum = (values: readonly string[]): SchemaObject => ({
  type: 'string',
  enum: [...values],
});
export const STRING_MAP: SchemaObject = mapOf(STRING);

const QIFI_PARTS: readonly [string, Schema][] = [
  ['QifiAccount', ACCOUNT_SCHEMA],
  ['QifiPosition', POSITION_SCHEMA],
  ['QifiOrder', ORDER_SCHEMA],
  ['QifiTrade', TRADE_SCHEMA],
  ['QifiTransfer', TRANSFER_SCHEMA],
  ['QifiBank', BANK_SCHEMA],
  ['QifiExecution', EXECUTION_SCHEMA],
];

/** A QIFI field rule (`libs/qifi`'s one description of the document) as an OpenAPI schema. */
function kindSchema(kind: FieldKind): SchemaObject | ReferenceObject {
  if (typeof kind === 'object') {
    const named = QIFI_PARTS.find(
      ([, schema]) => schema === ('object' in kind ? kind.object : kind.map),
    );
    const inner = named ? ref(named[0]) : rulesSchema('object' in kind ? kind.object : kind.map);
    return 'object' in kind ? inner : mapOf(inner);
  }
  switch (kind) {
    case 'string':
      return STRING;
    case 'f64':
      return NUMBER;
    case 'i32':
    case 'i64':
      return INTEGER;
    case 'bool':
      return BOOLEAN;
    case 'string[]':
      return arrayOf(STRING);
    case 'string-map':
      return STRING_MAP;
    case 'nullable-i64':
      return { type: 'integer', nullable: true };
  }
}

function rulesSchema(schema: Schema): SchemaObject {
  return objectOf(
    Object.fromEntries(Object.entries(schema).map(([name, rule]) => [name, kindSchema(rule.kind)])),
    {
      optional: Object.entries(schema)
        .filter(([, rule]) => rule.default !== undefined)
        .map(([name]) => name),
    },
  );
}

/** Schemas every app may point at: the error shape, `/health`, and the QIFI document's parts. */
export const PLATFORM_SCHEMAS: Schemas = {
  ErrorResponse: objectOf(
    {
      statusCode: INTEGER,
      code: { type: 'string', example: 'INVALID_REQUEST' },
      message: STRING,
      details: arrayOf(
        objectOf({ field: STRING, problems: arrayOf(STRING) }, { optional: ['problems'] }),
      ),
    },
    {
      optional: ['details'],
      description:
        'Every error: the HTTP status, a stable code, a message; `details` names each failing field',
    },
  ),
  JsonValue: {
    description: 'any JSON value',
    oneOf: [
      { type: 'string', nullable: true },
      NUMBER,
      BOOLEAN,
      arrayOf(ref('JsonValue')),
      mapOf(ref('JsonValue')),
    ],
  },
  HealthReport: objectOf({
    status: { type: 'string', enum: ['ok', 'degraded', 'error'] },
    app: STRING,
    uptime: { type: 'integer', description: 'seconds since start' },
    checks: mapOf(
      objectOf(
        { status: { type: 'string', enum: ['ok', 'degraded', 'error'] }, error: STRING },
        { optional: ['error'] },
      ),
    ),
  }),
  ...Object.fromEntries(QIFI_PARTS.map(([name, schema]) => [name, rulesSchema(schema)])),
  Qifi: {
    ...rulesSchema(QIFI_SCHEMA),
    description:
      'A QIFI account document (qifi-rs v0.3 field names, misspellings included); passwords served empty',
  },
};

/** Every `$ref` name reachable from `value`. */
function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === 'object' && value !== null)
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/'))
        found.add(inner.slice('#/components/schemas/'.length));
      else refsIn(inner, found);
    }
}

const ERROR_RESPONSE = {
  description: 'An error: `{statusCode, code, message, details}`',
  content: { 'application/json': { schema: ref('ErrorResponse') } },
};

/**
 * Completes an app's document: every operation gets the platform's error shape for `4XX` and
 * `default` responses and an explicit (maybe empty) security requirement; the named schemas the
 * document points at (directly or through another) are added to its components, the ones it does
 * not use left out.
 */
export function completeDocument(document: OpenAPIObject, schemas: Schemas = {}): OpenAPIObject {
  for (const item of Object.values(document.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      // Client errors and any other failure share the platform's error shape.
      operation.responses['4XX'] ??= ERROR_RESPONSE;
      operation.responses.default ??= ERROR_RESPONSE;
      // A route no guard protects says so (an empty requirement), one that is says how.
      operation.security ??= document.security ?? [];
    }
  const available: Record<string, SchemaObject> = { ...PLATFORM_SCHEMAS, ...schemas };
  const own: Record<string, SchemaObject | ReferenceObject> = {
    ...(document.components?.schemas ?? {}),
  };
  const used = new Set<string>();
  refsIn(document.paths, used);
  refsIn(own, used);
  // Named schemas point at others: follow them until nothing new is reached.
  for (let size = -1; size !== used.size;) {
    size = used.size;
    for (const name of [...used]) if (available[name]) refsIn(available[name], used);
  }
  const added = Object.fromEntries(
    [...used].flatMap((name) => {
      const schema = available[name];
      return schema && !own[name] ? [[name, schema] as const] : [];
    }),
  );
  document.components = { ...document.components, schemas: { ...own, ...added } };
  return document;
}
