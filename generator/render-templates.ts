// Compile generator/templates/chart/**.hbs into the chart's files. Handlebars runs strict, so a
// misspelt partial parameter fails generation; Helm syntax passes through raw blocks or \{{ escapes.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { components } from './components';
import { GENERATED_NOTICE } from './emit/header';
import { listFiles } from './files';

export const templatesDir = path.join(__dirname, 'templates');

function createEngine(): typeof Handlebars {
  const engine = Handlebars.create();
  engine.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
  for (const file of listFiles(path.join(templatesDir, 'partials'))) {
    engine.registerPartial(path.basename(file, '.hbs'), readFileSync(file, 'utf8'));
  }
  return engine;
}

/** Chart-relative path -> content, for every file generated from a template. */
export function renderTemplates(): Map<string, string> {
  const engine = createEngine();
  // The only generation-time data the templates use: the notice, and the tier of each component
  // as `dict` arguments ("postgresql" "backend" ...).
  const tierArguments = Object.entries(components)
    .map(([component, { tier }]) => `"${component}" "${tier}"`)
    .join(' ');
  const context = { notice: GENERATED_NOTICE, tierArguments };
  const chartDir = path.join(templatesDir, 'chart');
  const out = new Map<string, string>();
  for (const file of listFiles(chartDir)) {
    const relative = path.relative(chartDir, file).replace(/\.hbs$/, '');
    const template = engine.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    try {
      out.set(relative, template(context));
    } catch (error) {
      throw new Error(`${path.relative(process.cwd(), file)}: ${(error as Error).message}`);
    }
  }
  return out;
}
