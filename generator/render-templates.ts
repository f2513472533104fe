// Turn generator/templates/chart/** into the chart's files. A `.hbs` file goes through Handlebars
// (strict, so a misspelt parameter fails generation; Helm syntax sits in one raw block); any other
// file (a plain Helm template, a CRD) is copied behind the generated notice.
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { components } from './components';
import { foreignKeyPath, foreignKeys } from './foreign-keys';
import { GENERATED_NOTICE, hashHeader, helmCommentHeader } from './emit/header';
import { listFiles } from './files';

export const templatesDir = path.join(__dirname, 'templates');

function createEngine(root: string): typeof Handlebars {
  const engine = Handlebars.create();
  engine.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
  for (const file of listFiles(path.join(root, 'partials'))) {
    engine.registerPartial(path.basename(file, '.hbs'), readFileSync(file, 'utf8'));
  }
  return engine;
}

/** Chart-relative path -> content, for every file generated from a template. */
export function renderTemplates(root = templatesDir): Map<string, string> {
  const engine = createEngine(root);
  // The only generation-time data the templates use: the notice, and the tier of each component
  // as `dict` arguments ("postgresql" "backend" ...).
  const tierArguments = Object.entries(components)
    .map(([component, { tier }]) => `"${component}" "${tier}"`)
    .join(' ');
  // Keys of other charts the validation refuses with a pointer to ours (templates/_foreign-keys.tpl).
  const foreign = foreignKeys.map((k) => ({
    ...k,
    path: foreignKeyPath(k),
    parentExpression: k.parent ? `(index $values "${k.parent}")` : '$values',
  }));
  const context = { notice: GENERATED_NOTICE, tierArguments, foreignKeys: foreign };
  const chartDir = path.join(root, 'chart');
  const out = new Map<string, string>();
  for (const file of listFiles(chartDir)) {
    const relative = path.relative(chartDir, file).replace(/\.hbs$/, '');
    if (!file.endsWith('.hbs')) {
      // Helm templates get a Helm comment; other files (crds/ are not templated) a `#` line.
      const header = relative.startsWith('templates/') ? helmCommentHeader : hashHeader;
      out.set(relative, header + readFileSync(file, 'utf8'));
      continue;
    }
    const template = engine.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    try {
      out.set(relative, template(context));
    } catch (error) {
      throw new Error(`${path.relative(process.cwd(), file)}: ${(error as Error).message}`, { cause: error });
    }
  }
  return out;
}
