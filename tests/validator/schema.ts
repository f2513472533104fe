// Strict schema validation of a rendering, the way `kubeconform -strict` would do it, per target
// Kubernetes version: every document must be an object of a known apiVersion and kind that the
// target serves, match its OpenAPI schema with no unknown field, and use valid formats.
import { unservedReason } from './api-versions';
import { parseDocuments } from './documents';
import { formatViolations } from './formats';
import { formatVersion, KubeVersion, newestKnown, schemaKubernetes } from './kube-version';
import { isKubeObject, KubeObject } from './objects';
import { hasSchema, strictSchemaViolations } from './strict-fields';
import { RuleId, violation } from './rules';
import { describeObject, ObjectRef, Violation } from './violations';

export interface SchemaOptions {
  /** Target Kubernetes version; default: the newest the chart supports. */
  target?: KubeVersion;
  nodePortRange?: readonly [number, number];
}

export interface ObjectReport {
  /** `Kind/name`, or `document N` when the document has none. */
  object: string;
  /** The parsed object, when the document is one (apiVersion, kind and name): what cross-object checks see. */
  manifest?: KubeObject;
  violations: Violation[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate one parsed object. */
export function validateObject(value: unknown, options: SchemaOptions = {}, objectName = describeObject(value as ObjectRef)): Violation[] {
  const target = options.target ?? newestKnown;
  const fail = (path: string, rule: RuleId, message: string): Violation[] => [violation(rule, objectName, path, message)];
  if (!isObject(value))
    return fail('', 'not-an-object', `the document is a ${Array.isArray(value) ? 'list' : typeof value}, not a Kubernetes object`);
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '')
    return fail('.apiVersion', 'unknown-kind', 'apiVersion is missing: every object needs apiVersion and kind');
  if (typeof kind !== 'string' || kind === '')
    return fail('.kind', 'unknown-kind', 'kind is missing: every object needs apiVersion and kind');
  if (!isKubeObject(value) || value.metadata.name === '') {
    return fail('.metadata.name', 'schema', 'metadata.name is missing: every object a chart renders needs a name');
  }
  if (!hasSchema(apiVersion, kind)) {
    const why = unservedReason(apiVersion, kind, target);
    return fail(
      '.apiVersion',
      why ? 'removed-api' : 'unknown-kind',
      why ??
        `no schema for ${apiVersion} ${kind} in Kubernetes ${formatVersion(target)} (schemas of Kubernetes ${formatVersion(schemaKubernetes)}): check the spelling of apiVersion and kind`,
    );
  }
  const unserved = unservedReason(apiVersion, kind, target);
  const served = unserved ? fail('.apiVersion', 'removed-api', unserved) : [];
  const formats = formatViolations(value, { target, nodePortRange: options.nodePortRange }, objectName);
  // Where a format check and the schema flag the same field, the format check says more.
  const schema = (strictSchemaViolations(value, objectName) ?? []).filter((v) => !formats.some((f) => f.path === v.path));
  return [...served, ...schema, ...formats];
}

/** Validate every document of a multi-document YAML stream; empty documents are skipped. */
export function validateYaml(text: string, options: SchemaOptions = {}): ObjectReport[] {
  return parseDocuments(text)
    .filter((doc) => doc.value !== null || doc.violations.length > 0)
    .map((doc) => {
      const object = describeObject(doc.value as ObjectRef, doc.index);
      const own = doc.value === null ? [] : validateObject(doc.value, options, object);
      return { object, manifest: isKubeObject(doc.value) ? doc.value : undefined, violations: [...doc.violations, ...own] };
    });
}

export const allViolations = (reports: readonly ObjectReport[]): Violation[] => reports.flatMap((r) => r.violations);
