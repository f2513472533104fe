// Which values the chart's Helm templates read. Follows `.Values` through variables
// ($pg := .Values.postgresql), `$.Values`, `.context.Values`, `with`, `range` items and the dict
// arguments of named templates (include "x" (dict "values" $pg)). Pure: template texts in, reads out.
import type { Field } from '../model/fields';

export interface TemplateFile {
  /** Where a user edits it (reported in messages). */
  file: string;
  /** The Helm template text. */
  text: string;
  /** Added to a line of `text` to give the line in `file`. */
  lineOffset?: number;
}

export interface ValueRead {
  file: string;
  line: number;
  /** Path under .Values; '[]' stands for a list item. */
  path: string[];
  /** False for a bare alias ($x := .Values.a, or `with`/`range` over an object of ours): binding is not reading. */
  counts: boolean;
}
type Ref = { kind: 'root' } | { kind: 'values'; path: string[] } | { kind: 'arg'; template: string } | { kind: 'unknown' };

/** template name -> dict key -> the values paths callers pass under that key. */
type Bindings = Map<string, Map<string, string[][]>>;

interface Scope {
  dot: Ref[];
  dollar: Ref[];
  vars: Map<string, Ref[]>;
}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const STRING = /"(?:[^"\\]|\\.)*"|`[^`]*`/g;
// A variable or a field chain: $x.a.b, $.a, .a.b, $x, or a lone dot.
const TOKEN =
  /(\$[A-Za-z_][A-Za-z0-9_]*|\$)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)|(\$[A-Za-z_][A-Za-z0-9_]*|\$(?![\w.]))|(?<![\w)\]])\.(?![\w.])/g;
const SINGLE_PATH = /^(\$[A-Za-z_][A-Za-z0-9_]*|\$)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)?$/;
const UNKNOWN: Ref[] = [{ kind: 'unknown' }];
const INCLUDE_DICT = /(?:include|template)\s+"([^"]+)"\s+\(dict\s+([^()]*)\)/g;

function step(ref: Ref, segment: string, bindings: Bindings): Ref[] {
  switch (ref.kind) {
    case 'values':
      return [{ kind: 'values', path: [...ref.path, segment] }];
    case 'root':
      return segment === 'Values' ? [{ kind: 'values', path: [] }] : UNKNOWN;
    case 'arg': {
      // Named templates get the root context itself, or a dict whose "context" is the root.
      if (segment === 'Values') return [{ kind: 'values', path: [] }];
      if (segment === 'context') return [{ kind: 'root' }];
      const paths = bindings.get(ref.template)?.get(segment) ?? [];
      return paths.length > 0 ? paths.map((path) => ({ kind: 'values', path })) : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function resolve(base: string | undefined, fields: string, scope: Scope, bindings: Bindings): Ref[] {
  let refs = base === undefined ? scope.dot : base === '$' ? scope.dollar : (scope.vars.get(base) ?? UNKNOWN);
  for (const segment of fields.split('.').filter(Boolean)) refs = refs.flatMap((ref) => step(ref, segment, bindings));
  return refs;
}

/** The refs of an expression that is one path (`$pg.image`, `.`, `$x`), else undefined. */
function singlePath(expression: string, scope: Scope, bindings: Bindings): Ref[] | undefined {
  const head = (expression.split('|')[0] ?? '').trim();
  const match = SINGLE_PATH.exec(head);
  if (!match || (!match[1] && !match[2])) return undefined;
  return resolve(match[1], match[2] === '.' ? '' : (match[2] ?? ''), scope, bindings);
}

const itemOf = (refs: Ref[]): Ref[] =>
  refs.map((ref): Ref => (ref.kind === 'values' ? { kind: 'values', path: [...ref.path, '[]'] } : { kind: 'unknown' }));

interface Frame {
  scope: Scope;
  outerDot: Ref[];
}

/** One pass over one file: its value reads, and the dict bindings its includes pass. */
function scanFile(template: TemplateFile, bindings: Bindings, isObjectOfOurs: (path: string[]) => boolean, found: Bindings): ValueRead[] {
  const reads: ValueRead[] = [];
  const root: Ref[] = [{ kind: 'root' }];
  let scope: Scope = { dot: root, dollar: root, vars: new Map() };
  const stack: Frame[] = [];
  const lineAt = (index: number) => template.text.slice(0, index).split('\n').length + (template.lineOffset ?? 0);

  for (const match of template.text.matchAll(ACTION)) {
    const action = match[1] ?? '';
    if (action.startsWith('/*')) continue;
    const line = lineAt(match.index ?? 0);
    const record = (refs: Ref[], counts: boolean) => {
      for (const ref of refs) if (ref.kind === 'values') reads.push({ file: template.file, line, path: ref.path, counts });
    };
    const readAll = (expression: string) => {
      // A dict argument of an include binds, it does not read: the named template's body is read instead.
      const reading = expression.replace(INCLUDE_DICT, '""').replace(STRING, '""');
      for (const token of reading.matchAll(TOKEN)) {
        const refs =
          token[3] !== undefined
            ? resolve(token[3], '', scope, bindings)
            : token[2] !== undefined
              ? resolve(token[1], token[2], scope, bindings)
              : scope.dot;
        record(refs, true);
      }
    };
    // A binding (alias, with, range) reads nothing by itself, unless what it binds is a leaf value.
    const bind = (refs: Ref[]) => record(refs, !refs.some((ref) => ref.kind === 'values' && isObjectOfOurs(ref.path)));

    for (const call of action.matchAll(INCLUDE_DICT)) {
      const words = (call[2] ?? '').match(/"[^"]*"|[^\s]+/g) ?? [];
      for (let i = 0; i + 1 < words.length; i += 2) {
        const key = (words[i] ?? '').replace(/"/g, '');
        const refs = singlePath(words[i + 1] ?? '', scope, bindings) ?? [];
        for (const ref of refs) {
          if (ref.kind !== 'values') continue;
          const name = call[1] ?? '';
          const byKey = found.get(name) ?? new Map<string, string[][]>();
          byKey.set(key, [...(byKey.get(key) ?? []), ref.path]);
          found.set(name, byKey);
        }
      }
    }

    const keyword = /^(define|if|else if|else with|else|with|range|end|block)\b\s*([\s\S]*)$/.exec(action);
    const push = () => {
      stack.push({ scope, outerDot: scope.dot });
      scope = { ...scope, vars: new Map(scope.vars) };
    };
    if (!keyword) {
      const assignment = /^(\$[A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*([\s\S]*)$/.exec(action);
      if (!assignment) {
        readAll(action);
        continue;
      }
      const [, variable = '', expression = ''] = assignment;
      const alias = singlePath(expression, scope, bindings);
      if (alias) bind(alias);
      else readAll(expression);
      scope.vars.set(variable, alias ?? UNKNOWN);
      continue;
    }
    const [, word = '', rest = ''] = keyword;
    switch (word) {
      case 'define': {
        push();
        const arg: Ref[] = [{ kind: 'arg', template: /"([^"]+)"/.exec(rest)?.[1] ?? '' }];
        scope = { dot: arg, dollar: arg, vars: new Map() };
        break;
      }
      case 'end': {
        const frame = stack.pop();
        if (frame) scope = frame.scope;
        break;
      }
      case 'if':
        push();
        readAll(rest);
        break;
      case 'else if':
        readAll(rest);
        break;
      case 'else':
        scope = { ...scope, dot: stack.at(-1)?.outerDot ?? scope.dot };
        break;
      case 'with':
      case 'else with': {
        if (word === 'with') push();
        const target = singlePath(rest, scope, bindings);
        if (target) bind(target);
        else readAll(rest);
        scope = { ...scope, dot: target ?? UNKNOWN };
        break;
      }
      case 'range': {
        push();
        const declared = /^(\$[A-Za-z_][A-Za-z0-9_]*)(?:\s*,\s*(\$[A-Za-z_][A-Za-z0-9_]*))?\s*:=\s*([\s\S]*)$/.exec(rest);
        const expression = declared ? (declared[3] ?? '') : rest;
        const target = singlePath(expression, scope, bindings);
        if (target) bind(target);
        else readAll(expression);
        const items = target ? itemOf(target) : UNKNOWN;
        if (declared) {
          const [, first = '', second] = declared;
          if (second) scope.vars.set(first, UNKNOWN);
          scope.vars.set(second ?? first, items);
        } else {
          scope = { ...scope, dot: items };
        }
        break;
      }
      default:
        push();
        readAll(rest);
    }
  }
  return reads;
}

/**
 * Every values read in the templates. Passes until the bindings settle: each learns what the
 * includes pass to named templates (dict arguments), including what a named template passes on
 * from its own arguments to another (one more level per pass); the last reads every body with them.
 */
export function scanTemplates(templates: TemplateFile[], definition: Field<unknown>): ValueRead[] {
  const isObjectOfOurs = (path: string[]) => fieldAt(definition, path)?.properties !== undefined;
  let bindings: Bindings = new Map();
  const key = (b: Bindings) => JSON.stringify([...b].map(([t, args]) => [t, [...args]]));
  for (let pass = 0; pass < 5; pass++) {
    const found: Bindings = new Map();
    const reads = templates.flatMap((template) => scanFile(template, bindings, isObjectOfOurs, found));
    if (pass > 0 && key(found) === key(bindings)) return reads;
    bindings = found;
  }
  throw new Error("template reads: the named templates' arguments did not settle after 5 passes");
}

function fieldAt(definition: Field<unknown>, path: string[]): Field<unknown> | undefined {
  let field: Field<unknown> | undefined = definition;
  for (const key of path) field = field?.properties?.[key];
  return field;
}
