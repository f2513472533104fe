// What every checker returns: one violation names the object, the field (as a JSON path), the rule
// broken (registered in rules.ts), and a message that says how to fix it. Checkers are pure;
// printing is the CLI's job.
export type { Violation } from './rules';
import type { Violation } from './rules';

export type Segment = string | number;

/** `['spec', 'ports', 0, 'port']` -> `.spec.ports[0].port`; keys that are not identifiers are quoted. */
export function jsonPath(segments: readonly Segment[]): string {
  return segments
    .map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
    .join('');
}

/** An ajv instancePath (`/spec/ports/0/port`, `~1` escaping `/`) as segments. */
export function pointerSegments(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

export interface ObjectRef {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown } | null;
}

export function describeObject(object: ObjectRef | null | undefined, index?: number): string {
  const kind = typeof object?.kind === 'string' ? object.kind : undefined;
  const name = typeof object?.metadata?.name === 'string' ? object.metadata.name : undefined;
  if (kind && name) return `${kind}/${name}`;
  return index === undefined ? `${kind ?? 'object'}/${name ?? '?'}` : `document ${index + 1}${kind ? ` (${kind})` : ''}`;
}

export function formatViolation(v: Violation): string {
  return `${v.object}: ${v.path || '(object)'}: ${v.message} [${v.rule}]`;
}
