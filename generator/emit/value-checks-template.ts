// chart/templates/_value-checks.tpl: the generated checks templates/validate.yaml includes first,
// the formats of single values (value-checks.ts), then the rules across values (value-rules-template.ts).
import { ValueRule } from '../model/conditions';
import { Field } from '../model/fields';
import { helmCommentHeader } from './header';
import { formatChecks } from './value-checks';
import { ruleChecks } from './value-rules-template';
import { fieldSchema } from './values-schema';

export function renderValueChecksTemplate(definition: Field<unknown>, rules: ValueRule[]): string {
  return [
    helmCommentHeader.trimEnd(),
    '{{/*',
    'Every format of generator/values.ts, checked in words: the key, the bad value, the format and the fix',
    '(the schema only annotates formats: a pattern there would print a regular expression).',
    '*/}}',
    '{{- define "squash-tm.validate.formats" -}}',
    ...formatChecks(fieldSchema(definition), definition.default),
    '{{- end }}',
    '',
    '{{/*',
    'The rules of generator/value-rules.ts, on the values as Helm merged them with the defaults.',
    '*/}}',
    '{{- define "squash-tm.validate.rules" -}}',
    ...ruleChecks(definition, rules),
    '{{- end }}',
    '',
  ].join('\n');
}
