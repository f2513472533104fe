import Handlebars from 'handlebars';

// The generator compiles with these options; this proves they turn a typo into an error instead of a blank.
const compile = (source: string) => Handlebars.create().compile(source, { strict: true, noEscape: true });

describe('Handlebars in strict mode', () => {
  it('fails on an unknown parameter instead of rendering nothing', () => {
    expect(() => compile('name: {{compnent}}')({ component: 'postgresql' })).toThrow(/"compnent" not defined/);
  });

  it('passes escaped Helm actions through verbatim', () => {
    expect(compile('x: \\{{ .Values.a }} {{b}}')({ b: 'B' })).toBe('x: {{ .Values.a }} B');
  });
});
