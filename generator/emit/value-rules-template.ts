// The cross-value rules (generator/value-rules.ts) as Helm template code: each condition becomes a Go
// template expression over the merged values, and each rule an `if` that `fail`s with its message.
// Paths are checked against the values definition, and the expression is chosen by the value's
// type (an empty string and an empty list are tested differently), so a misspelt path or a
// condition that cannot apply to its value fails generation.
import { Condition, ValueRule } from '../model/conditions';
import { Field, JsonType } from '../model/fields';
import { goString } from './value-checks';

function fieldAt(definition: Field<unknown>, path: string): Field<unknown> {
  let field: Field<unknown> | undefined = definition;
  for (const key of path.split('.')) field = field?.properties?.[key];
  if (!field) throw new Error(`value rule: ${path} is not a key of generator/values.ts`);
  return field;
}

const types = (field: Field<unknown>): JsonType[] => [field.schema.type ?? []].flat();

class RuleCompiler {
  /** Statements that compute what an expression cannot (a loop over a list), before the `if`s. */
  readonly setup: string[] = [];
  private counter = 0;

  constructor(private readonly definition: Field<unknown>) {}

  private value(path: string): { expr: string; type: JsonType[] } {
    const field = fieldAt(this.definition, path);
    // `index`, not `.Values.x`: testing a rule is not a use of the value (see value-checks.ts).
    return { expr: `(index $values ${path.split('.').map(goString).join(' ')})`, type: types(field) };
  }

  compile(condition: Condition): string {
    switch (condition.kind) {
      case 'is':
        // Compared as text: `eq` fails on two different types, and the schema has fixed the type already.
        return `(eq (toString ${this.value(condition.path).expr}) ${goString(String(condition.value))})`;
      case 'filled':
      case 'empty': {
        const { expr, type } = this.value(condition.path);
        const filled = type.includes('null')
          ? `(not (kindIs "invalid" ${expr}))`
          : type.includes('string') || type.includes('array')
            ? `(gt (len ${expr}) 0)`
            : undefined;
        if (!filled || (condition.kind === 'empty' && type.includes('null'))) {
          throw new Error(`value rule: ${condition.kind}(${condition.path}) does not apply to a value of type ${type.join(' or ')}`);
        }
        return condition.kind === 'filled' ? filled : `(not ${filled})`;
      }
      case 'someItemNotIn': {
        const { expr } = this.value(condition.path);
        return `(gt (len (without ${expr} ${condition.allowed.map(goString).join(' ')})) 0)`;
      }
      case 'someItemFieldIn': {
        const { expr } = this.value(condition.path);
        this.counter += 1;
        const found = `$found${this.counter}`;
        const values = `(list ${condition.values.map(goString).join(' ')})`;
        this.setup.push(`{{- ${found} := false }}`);
        this.setup.push(
          `{{- range ${expr} }}{{- if has (toString (get . ${goString(condition.field)})) ${values} }}{{- ${found} = true }}{{- end }}{{- end }}`,
        );
        return found;
      }
      case 'all':
      case 'any':
        return `(${condition.kind === 'all' ? 'and' : 'or'} ${condition.of.map((c) => this.compile(c)).join(' ')})`;
      case 'not':
        return `(not ${this.compile(condition.condition)})`;
    }
  }
}

/** The body of the named template that refuses every rule's violation with the rule's message. */
export function ruleChecks(definition: Field<unknown>, rules: ValueRule[]): string[] {
  const compiler = new RuleCompiler(definition);
  const checks = rules.flatMap((rule) => [
    `{{- if ${compiler.compile(rule.violation).replace(/^\((.*)\)$/, '$1')} }}`,
    `{{- fail ${goString(rule.message)} }}`,
    '{{- end }}',
  ]);
  return ['{{- $values := index . "Values" }}', ...compiler.setup, ...checks];
}
