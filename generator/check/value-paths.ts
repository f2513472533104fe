// Static check of the chart's Helm templates against the values definition. Helm renders a misspelt
// `.Values.postgresql.imge.tag` as nothing; this reads every template, follows `.Values` through
// variables ($pg := .Values.postgresql), `$.Values`, `.context.Values`, `with`, `range` items and the
// dict arguments of named templates (include "x" (dict "values" $pg)), and resolves each path against
// values.schema.json. Pure: files in, reads and problems out.
import type { Field, JsonSchema, JsonType } from '../model/fields';

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

export interface UnknownPath {
  file: string;
  line: number;
  path: string;
  nearest: string;
}

type Ref =
  | { kind: 'root' }
  | { kind: 'values'; path: string[] }
  | { kind: 'arg'; template: string }
  | { kind: 'unknown' };

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
const TOKEN = /(\$[A-Za-z_][A-Za-z0-9_]*|\$)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+)|(\$[A-Za-z_][A-Za-z0-9_]*|\$(?![\w.]))|(?<![\w)\]])\.(?![\w.])/g;
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
  let refs = base === undefined ? scope.dot : base === '$' ? scope.dollar : scope.vars.get(base) ?? UNKNOWN;
  for (const segment of fields.split('.').filter(Boolean)) refs = refs.flatMap((ref) => step(ref, segment, bindings));
  return refs;
}

/** The refs of an expression that is one path (`$pg.image`, `.`, `$x`), else undefined. */
function singlePath(expression: string, scope: Scope, bindings: Bindings): Ref[] | undefined {
  const head = (expression.split('|')[0] ?? '').trim();
  const match = SINGLE_PATH.exec(head);
  if (!match || (!match[1] && !match[2])) return undefined;
  return resolve(match[1], match[2] === '.' ? '' : match[2] ?? '', scope, bindings);
}

const itemOf = (refs: Ref[]): Ref[] => refs.map((ref): Ref => (ref.kind === 'values' ? { kind: 'values', path: [...ref.path, '[]'] } : { kind: 'unknown' }));

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
        const refs = token[3] !== undefined ? resolve(token[3], '', scope, bindings) : token[2] !== undefined ? resolve(token[1], token[2], scope, bindings) : scope.dot;
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
        const expression = declared ? declared[3] ?? '' : rest;
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
 * Every values read in the templates. Two passes: the first learns what the includes pass to
 * named templates (dict arguments), the second reads the named templates' bodies with it.
 */
export function scanTemplates(templates: TemplateFile[], definition: Field<unknown>): ValueRead[] {
  const isObjectOfOurs = (path: string[]) => fieldAt(definition, path)?.properties !== undefined;
  let bindings: Bindings = new Map();
  for (let pass = 0; pass < 2; pass++) {
    const found: Bindings = new Map();
    const reads = templates.flatMap((template) => scanFile(template, bindings, isObjectOfOurs, found));
    if (pass === 1) return reads;
    bindings = found;
  }
  return [];
}

function fieldAt(definition: Field<unknown>, path: string[]): Field<unknown> | undefined {
  let field: Field<unknown> | undefined = definition;
  for (const key of path) field = field?.properties?.[key];
  return field;
}

const SCALAR_TYPES = new Set<JsonType>(['string', 'integer', 'number', 'boolean']);

/** Where `path` leaves the schema: the index of the first unknown segment and the keys known there. */
function missingAt(schema: JsonSchema, path: string[]): { index: number; known: string[] } | undefined {
  let node: JsonSchema | undefined = schema;
  for (const [index, segment] of path.entries()) {
    if (!node) return undefined;
    const properties = node.properties;
    const types = ([] as JsonType[]).concat(node.type ?? []);
    if (segment === '[]') {
      // An item of a list, or a value of a map (range over either).
      const item: JsonSchema | undefined = node.items ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (!item && types.length > 0 && types.every((t) => SCALAR_TYPES.has(t))) return { index, known: [] };
      node = item;
    } else if (properties && segment in properties) {
      node = properties[segment];
    } else if (typeof node.additionalProperties === 'object') {
      node = node.additionalProperties;
    } else if (node.additionalProperties === false || (types.length > 0 && types.every((t) => SCALAR_TYPES.has(t)))) {
      return { index, known: Object.keys(properties ?? {}) };
    } else {
      return undefined; // an open object: any key may be there
    }
  }
  return undefined;
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length] ?? 0;
}

const display = (path: string[]) => path.join('.').replace(/\.\[\]/g, '[]');

/** Reads whose path the schema does not have, each with the nearest key it does have there. */
export function unknownPaths(reads: ValueRead[], schema: JsonSchema): UnknownPath[] {
  const problems: UnknownPath[] = [];
  for (const read of reads) {
    const missing = missingAt(schema, read.path);
    if (!missing) continue;
    const parent = read.path.slice(0, missing.index);
    const segment = read.path[missing.index] ?? '';
    const nearest = [...missing.known].sort((a, b) => distance(segment, a) - distance(segment, b) || a.localeCompare(b))[0];
    problems.push({
      file: read.file,
      line: read.line,
      path: display(read.path),
      nearest: nearest === undefined ? `${display(parent) || '(root)'} (which has no keys)` : display([...parent, nearest]),
    });
  }
  return problems;
}

export function formatUnknownPaths(problems: UnknownPath[]): string {
  return problems
    .map((p) => `${p.file}:${p.line}: .Values.${p.path} is not a value of the chart (generator/values.ts); nearest known key: ${p.nearest}`)
    .join('\n');
}

/**
 * Leaf values (no children of ours) that no template reads. Reading a parent object (toYaml
 * .Values.x) reads its leaves; reading into a passthrough block reads that block.
 */
export function unreadValues(definition: Field<unknown>, reads: ValueRead[]): string[] {
  const readPaths = reads.filter((read) => read.counts).map((read) => {
    const item = read.path.indexOf('[]');
    return (item < 0 ? read.path : read.path.slice(0, item)).join('.');
  });
  const unread: string[] = [];
  const visit = (field: Field<unknown>, path: string[]) => {
    if (field.properties) {
      for (const [key, child] of Object.entries(field.properties)) visit(child, [...path, key]);
      return;
    }
    const key = path.join('.');
    const read = readPaths.some((r) => r === key || key.startsWith(`${r}.`) || r.startsWith(`${key}.`) || r === '');
    if (!read) unread.push(key);
  };
  visit(definition, []);
  return unread;
}
