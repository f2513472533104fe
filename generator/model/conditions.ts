// Conditions over several values, compiled to JSON schema so that values.schema.json (and with it
// `helm template`, `helm install` and `helm lint`, under Helm 3 and 4) rejects forbidden combinations.
// A rule is a *violation*: "if the values look like this, fail with this message".
import { JsonSchema } from './fields';

export type Condition =
  | { kind: 'is'; path: string; value: string | number | boolean }
  | { kind: 'filled'; path: string }
  | { kind: 'empty'; path: string }
  | { kind: 'matches'; path: string; schema: JsonSchema }
  | { kind: 'all' | 'any'; of: Condition[] }
  | { kind: 'not'; condition: Condition };

export const is = (path: string, value: string | number | boolean): Condition => ({ kind: 'is', path, value });
/** A non-empty string or list, or a non-null value. */
export const filled = (path: string): Condition => ({ kind: 'filled', path });
/** An empty string or list. */
export const empty = (path: string): Condition => ({ kind: 'empty', path });
export const matches = (path: string, schema: JsonSchema): Condition => ({ kind: 'matches', path, schema });
export const all = (...of: Condition[]): Condition => ({ kind: 'all', of });
export const any = (...of: Condition[]): Condition => ({ kind: 'any', of });
export const not = (condition: Condition): Condition => ({ kind: 'not', condition });

export interface ValueRule {
  /** The combination that is refused. */
  violation: Condition;
  /** Names the keys, the rule and the fix. */
  message: string;
}

/** Wrap a schema for the value at `path` into nested `properties`, requiring each step. */
function atPath(path: string, leaf: JsonSchema): JsonSchema {
  return path
    .split('.')
    .reverse()
    .reduce<JsonSchema>((inner, key) => ({ required: [key], properties: { [key]: inner } }), leaf);
}

export function conditionSchema(condition: Condition): JsonSchema {
  switch (condition.kind) {
    case 'is':
      return atPath(condition.path, { const: condition.value });
    case 'filled':
      return atPath(condition.path, {
        anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1 }, { type: ['integer', 'number', 'boolean', 'object'] }],
      });
    case 'empty':
      return atPath(condition.path, {
        anyOf: [
          { type: 'string', maxLength: 0 },
          { type: 'array', maxItems: 0 },
        ],
      });
    case 'matches':
      return atPath(condition.path, condition.schema);
    case 'all':
      return { allOf: condition.of.map(conditionSchema) };
    case 'any':
      return { anyOf: condition.of.map(conditionSchema) };
    case 'not':
      return { not: conditionSchema(condition.condition) };
  }
}

/**
 * One `if`/`then` per rule. JSON schema validators print no custom messages, but both Helm 3 and
 * Helm 4 print the name of a missing required property: requiring a property named after the
 * message makes the message itself the error.
 */
export function rulesSchema(rules: ValueRule[]): JsonSchema[] {
  return rules.map((rule) => ({ if: conditionSchema(rule.violation), then: { required: [rule.message] } }));
}
