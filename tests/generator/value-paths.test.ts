import { assertKnownValuePaths, templateSources } from '../../generator/generate';
import { scanTemplates, TemplateFile } from '../../generator/check/template-reads';
import { unknownPaths, unreadValues } from '../../generator/check/value-paths';
import { fieldSchema } from '../../generator/emit/values-schema';
import { renderTemplates } from '../../generator/render-templates';
import { valuesDefinition } from '../../generator/values';

const schema = fieldSchema(valuesDefinition);
const chartTemplates = templateSources(renderTemplates());
const scan = (templates: TemplateFile[]) => scanTemplates(templates, valuesDefinition);
/** The unknown paths of one template file, as `line path -> nearest`. */
const unknownIn = (text: string) =>
  unknownPaths(scan([{ file: 't.yaml', text }]), schema).map((p) => `${p.line} ${p.path} -> ${p.nearest}`);

describe("the chart's templates and the values definition", () => {
  it('read only values that generator/values.ts defines', () => {
    expect(unknownPaths(scan(chartTemplates), schema)).toEqual([]);
  });

  it('read every value that generator/values.ts defines', () => {
    expect(unreadValues(valuesDefinition, scan(chartTemplates))).toEqual([]);
  });

  it('report the values only a removed template read (the unread check can fail)', () => {
    const withoutIngress = chartTemplates.filter((t) => !t.file.endsWith('squash-ingress.yaml'));
    // className, hosts, tlsSecret, path and pathType are also read by templates/validate.yaml's checks.
    expect(unreadValues(valuesDefinition, scan(withoutIngress))).toEqual(['squash.ingress.annotations']);
  });

  it('name the source file and its line', () => {
    const deployment = chartTemplates.find((t) => t.file.endsWith('templates/squash-deployment.yaml'));
    const typo = { ...deployment!, text: deployment!.text.replace('$squash.jvm.options', '$squash.jvm.optons') };
    expect(unknownPaths(scan([typo]), schema)).toEqual([
      {
        file: 'generator/templates/chart/templates/squash-deployment.yaml',
        line: expect.any(Number),
        path: 'squash.jvm.optons',
        nearest: 'squash.jvm.options',
      },
    ]);
    const { line } = unknownPaths(scan([typo]), schema)[0]!;
    expect(typo.text.split('\n')[line - 1 - (typo.lineOffset ?? 0)]).toContain('$squash.jvm.optons');
  });
});

describe('the value path check', () => {
  it('refuses a misspelt key, naming the line and the nearest key', () => {
    expect(unknownIn('kind: Pod\nimage: {{ .Values.postgresql.imge.tag }}')).toEqual(['2 postgresql.imge.tag -> postgresql.image']);
  });

  it('follows a variable', () => {
    expect(unknownIn('{{- $pg := .Values.postgresql }}\nport: {{ $pg.servce.port }}')).toEqual([
      '2 postgresql.servce.port -> postgresql.service',
    ]);
  });

  it('follows $.Values inside a range, and the range item', () => {
    const text =
      '{{- range .Values.squash.ingress.hosts }}{{ $.Values.squash.ingres.path }}{{ end }}\n' +
      '{{- range $i, $plugin := .Values.squash.extraPlugins }}{{ $plugin.kee }}{{ end }}';
    expect(unknownIn(text)).toEqual(['1 squash.ingres.path -> squash.ingress', '2 squash.extraPlugins[].kee -> squash.extraPlugins[].key']);
  });

  it('follows .context.Values and dict arguments into named templates', () => {
    const text =
      '{{- define "x" }}{{ .context.Values.auth.pasword }}\n{{ .values.imge.tag }}{{ end }}\n' +
      '{{ include "x" (dict "context" . "values" .Values.squash) }}';
    expect(unknownIn(text)).toEqual(['1 auth.pasword -> auth.password', '2 squash.imge.tag -> squash.image']);
  });

  it('follows `with`, and checks inside closed Kubernetes blocks, not inside open maps', () => {
    const text =
      '{{ with .Values.postgresql.service }}{{ .prot }}{{ end }}\n{{ .Values.squash.resources.limit }}\n' +
      '{{ .Values.squash.service.annotations.anything }}\n{{ .Values.clusterDomain.x }}\n' +
      '{{ range $key, $value := .Values.squash.ingress.annotations }}{{ $value }}{{ end }}{{ range .Values.auth.username }}{{ . }}{{ end }}';
    expect(unknownIn(text)).toEqual([
      '1 postgresql.service.prot -> postgresql.service.port',
      '2 squash.resources.limit -> squash.resources.limits',
      '4 clusterDomain.x -> clusterDomain (which has no keys)',
      '5 auth.username[] -> auth.username (which has no keys)',
    ]);
  });

  it('fails generation on an unknown path', () => {
    expect(() =>
      assertKnownValuePaths([{ file: 'generator/templates/chart/templates/x.yaml.hbs', text: '\n{{ .Values.squash.imag.tag }}' }]),
    ).toThrow(
      'generator/templates/chart/templates/x.yaml.hbs:2: .Values.squash.imag.tag is not a value of the chart (generator/values.ts); nearest known key: squash.image',
    );
  });
});

describe('the unread value check', () => {
  const unread = (text: string) => unreadValues(valuesDefinition, scan([{ file: 't.yaml', text }]));

  it('does not count a variable alias, nor an include argument, as a read', () => {
    expect(unread('{{- $pg := .Values.postgresql }}{{ include "x" (dict "values" .Values.squash) }}')).toEqual(
      expect.arrayContaining(['postgresql.image.tag', 'postgresql.persistence.size', 'squash.image.tag']),
    );
  });

  it('counts a parent object read whole (toYaml) for all its leaves', () => {
    const left = unread('{{ toYaml .Values.postgresql.persistence }}');
    expect(left.filter((key) => key.startsWith('postgresql.persistence.'))).toEqual([]);
    expect(left).toContain('postgresql.image.tag');
  });

  it('counts what a variable, a with block and a range item read', () => {
    const left = unread(
      '{{- $pg := .Values.postgresql }}{{ $pg.image.tag }}{{ with .Values.squash.ingress }}{{ .path }}{{ end }}' +
        '{{ range .Values.squash.extraPlugins }}{{ .key }}{{ end }}',
    );
    expect(left).not.toContain('postgresql.image.tag');
    expect(left).not.toContain('squash.ingress.path');
    expect(left).not.toContain('squash.extraPlugins');
    expect(left).toContain('squash.ingress.pathType');
  });
});
