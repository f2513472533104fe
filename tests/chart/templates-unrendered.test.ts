// Pointing the validator at the chart's sources instead of a rendering is a mistake users make: every
// template file must be recognised as a chart template (with the hint to run helm template first),
// never reported as a page of YAML errors, nor passed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chartDir } from '../support/helm';
import { runCli } from '../validator/cli';

const templates = readdirSync(path.join(chartDir, 'templates')).filter((f) => f.endsWith('.yaml'));

it('finds the chart templates', () => {
  expect(templates.length).toBeGreaterThan(5);
});

it.each(templates)('recognises templates/%s as unrendered', (file) => {
  const { exitCode, output } = runCli([file], () => readFileSync(path.join(chartDir, 'templates', file), 'utf8'));
  expect(exitCode).toBe(1);
  expect(output.match(/\[[a-z-]+\]$/gm)).toEqual(['[unrendered-template]']);
  expect(output).toContain('render it with helm template first');
});
