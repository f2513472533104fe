// Split a multi-document YAML stream into plain objects, and report what the YAML library would
// otherwise hide: a duplicated key silently keeps one of its values (kubectl and the API server
// reject it; Helm 4's server-side apply fails on it), so it is a violation here.
import { isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { violation } from './rules';
import { describeObject, Segment, Violation } from './violations';

export interface ParsedDocument {
  /** Position in the stream, counting empty documents, from 0. */
  index: number;
  /** The document as plain data; null for an empty document. */
  value: unknown;
  violations: Violation[];
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return JSON.stringify(key);
}

function duplicateKeys(node: unknown, path: Segment[], found: Array<{ path: Segment[]; offset: number }>): void {
  if (isAlias(node)) return;
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      if (seen.has(key)) found.push({ path: [...path, key], offset: (pair.key as Node | null)?.range?.[0] ?? 0 });
      seen.add(key);
      duplicateKeys(pair.value, [...path, key], found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => duplicateKeys(item, [...path, i], found));
  }
}

/**
 * A Helm template action: `{{ .Values.x }}`, `{{- include ... }}`, `{{ if ... }}`. Rendered manifests
 * may hold other `{{ }}` text (Prometheus rules, Go templates in a ConfigMap), so only Helm's
 * built-in objects and control words count.
 */
const helmAction =
  /\{\{-?\s*(\.(Values|Release|Chart|Capabilities|Files|Template)\b|(include|template|tpl|toYaml|if|else|end|range|with|define|required|default)\b)/;

export function parseDocuments(text: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  // uniqueKeys: false, so that a duplicate is reported once, with its path, by duplicateKeys().
  const docs = parseAllDocuments(text, { uniqueKeys: false, lineCounter });
  if (!Array.isArray(docs)) return [];
  // A template action anywhere: the whole input is a chart template; its YAML errors would be noise.
  const action = helmAction.exec(text);
  if (action) {
    const line = lineCounter.linePos(action.index).line;
    const message = `line ${line} holds a Helm template action "${action[0]}": this is a chart template, not a rendering; render it with helm template first, then validate the output`;
    return [{ index: 0, value: null, violations: [violation('unrendered-template', 'document 1', '', message)] }];
  }
  return docs.map((doc, index) => {
    const violations: Violation[] = [];
    const syntax = doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    const value: unknown = syntax.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : null;
    const object = describeObject(value as never, index);
    for (const message of syntax) {
      violations.push(violation('yaml-syntax', object, '', `invalid YAML, ${message}`));
    }
    const duplicates: Array<{ path: Segment[]; offset: number }> = [];
    duplicateKeys(doc.contents, [], duplicates);
    for (const d of duplicates) {
      violations.push(
        violation(
          'duplicate-key',
          object,
          d.path,
          `key "${d.path[d.path.length - 1]}" appears twice in one mapping (line ${lineCounter.linePos(d.offset).line}); only one value would be kept: remove the other`,
        ),
      );
    }
    return { index, value, violations };
  });
}
