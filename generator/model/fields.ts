// A tiny DSL for the chart's values: each field carries its type, default, description and JSON-schema
// constraints, so values.yaml, values.schema.json, the README table and the TypeScript types all come
// from one definition (values.ts). `Infer<F>` turns a field tree into the TypeScript type of its values.

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * The JSON Schema (draft-07) keywords the chart's schema uses. A closed interface, so that a
 * misspelt constraint (`maxLenght`) does not compile.
 */
export interface JsonSchema {
  $schema?: string;
  $comment?: string;
  /** A reference to a block under `definitions` (emit/schema-refs.ts writes these). */
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  // strings
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
  // numbers
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  // arrays
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  contains?: JsonSchema;
  // objects
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  // combinations
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
}

export interface Field<T> {
  readonly description: string;
  readonly default: T;
  /** The schema of this field alone; emit/values-schema.ts adds the description and children. */
  readonly schema: JsonSchema;
  /** Set on objects whose shape is ours: the children, in the order they are emitted. */
  readonly properties?: Readonly<Record<string, Field<unknown>>>;
  /** A short type name for the README table. */
  readonly typeName: string;
}

export type Infer<F> = F extends Field<infer T> ? T : never;

type Constraints = Omit<JsonSchema, 'type' | 'default' | 'description'>;

function leaf<T>(typeName: string, type: JsonType | JsonType[], description: string, def: T, c: Constraints = {}): Field<T> {
  return { description, default: def, typeName, schema: { type, ...c } };
}

export const string = (description: string, def: string, c?: Constraints): Field<string> => leaf('string', 'string', description, def, c);

export const integer = (description: string, def: number, c?: Constraints): Field<number> =>
  leaf('integer', 'integer', description, def, c);

export const nullableInteger = (description: string, def: number | null, c?: Constraints): Field<number | null> =>
  leaf('integer or null', ['integer', 'null'], description, def, c);

export const boolean = (description: string, def: boolean): Field<boolean> => leaf('boolean', 'boolean', description, def);

export function oneOf<const V extends string>(description: string, values: readonly V[], def: V): Field<V> {
  return leaf(values.map((v) => `\`${v}\``).join(', '), 'string', description, def, { enum: [...values] });
}

export const stringMap = (
  description: string,
  def: Record<string, string> = {},
  c: { keyPattern?: string; valuePattern?: string } = {},
): Field<Record<string, string>> =>
  leaf('map of strings', 'object', description, def, {
    ...(c.keyPattern ? { propertyNames: { pattern: c.keyPattern } } : {}),
    additionalProperties: { type: 'string', ...(c.valuePattern ? { pattern: c.valuePattern } : {}) },
  });

export const stringList = (description: string, def: string[], c?: Constraints): Field<string[]> =>
  leaf('list of strings', 'array', description, def, c);

/** A list of small objects whose shape is ours, each checked against `items`. */
export const objectList = <T extends object>(description: string, def: T[], items: JsonSchema): Field<T[]> =>
  leaf('list of objects', 'array', description, def, { items: { type: 'object', additionalProperties: false, ...items } });

/**
 * A Kubernetes-shaped block passed through as is (resources, affinity, securityContext...). Give T
 * explicitly, a kubernetes-models interface (`passthrough<IResourceRequirements>(...)`), so that the
 * default is checked against the Kubernetes API's shape rather than typing the field from it.
 */
export const passthrough = <T extends object>(description: string, def: NoInfer<T>, schema: JsonSchema = { type: 'object' }): Field<T> => {
  const { type = 'object', ...constraints } = schema;
  return leaf(type === 'array' ? 'list' : 'object', type, description, def, constraints);
};

export function object<P extends Record<string, Field<unknown>>>(
  description: string,
  properties: P,
): Field<{ [K in keyof P]: Infer<P[K]> }> {
  const def = Object.fromEntries(Object.entries(properties).map(([k, f]) => [k, f.default]));
  return {
    description,
    default: def as { [K in keyof P]: Infer<P[K]> },
    typeName: 'object',
    properties,
    schema: { type: 'object', additionalProperties: false },
  };
}

/** Visit every field depth-first, parents before children, in definition order. */
export function walk(field: Field<unknown>, visit: (path: string[], field: Field<unknown>) => void, path: string[] = []): void {
  visit(path, field);
  for (const [key, child] of Object.entries(field.properties ?? {})) walk(child, visit, [...path, key]);
}
