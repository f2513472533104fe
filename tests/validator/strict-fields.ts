// Schema validation with kubernetes-models, made strict. Its ajv validators (built from the
// Kubernetes OpenAPI) check types, enums, required fields and formats, but accept unknown fields.
// kubernetes-models ships only compiled validators, not the OpenAPI documents, so strictness is
// added by watching the validator work: it reads every property its schema declares
// (`data.foo === undefined || validate(data.foo)`) and enumerates the keys of maps
// (labels, resources.limits). A key that was neither read nor enumerated is unknown to the schema:
// the API server drops it silently, kubeconform -strict and server-side apply reject it.
import { modelValidator } from './models';
import { violation } from './rules';
import { describeObject, jsonPath, pointerSegments, Segment, Violation } from './violations';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export const hasSchema = (apiVersion: string, kind: string): boolean => modelValidator(apiVersion, kind) !== undefined;

interface Seen {
  value: Record<string, unknown>;
  path: Segment[];
  read: Set<string>;
  enumerated: boolean;
}

/** Wrap a value so that every property the validator reads, and every map it enumerates, is recorded by path. */
function watched(value: unknown, path: Segment[], seen: Map<string, Seen>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver);
        return typeof key === 'string' && /^\d+$/.test(key) ? watched(child, [...path, Number(key)], seen) : child;
      },
    });
  }
  const object = value as Record<string, unknown>;
  const id = JSON.stringify(path);
  let record = seen.get(id);
  if (!record) seen.set(id, (record = { value: object, path, read: new Set(), enumerated: false }));
  const r = record;
  return new Proxy(object, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver);
      r.read.add(key);
      return watched(Reflect.get(target, key, receiver), [...path, key], seen);
    },
    ownKeys(target) {
      r.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function describeAjvError(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return `must be ${p.type === 'object' ? 'a mapping' : p.type === 'array' ? 'a list' : `of type ${String(p.type)}`}`;
    case 'required':
      return `required field "${String(p.missingProperty)}" is missing`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `is not a valid ${String(p.format)}`;
    case 'oneOf':
      return 'must be either an integer or a string (int-or-string / quantity)';
    default:
      return e.message ?? `fails the schema's ${e.keyword} rule`;
  }
}

/**
 * Validate one object against the schema of its apiVersion and kind: ajv errors plus unknown fields.
 * Returns undefined when kubernetes-models has no schema for that apiVersion and kind.
 */
export function strictSchemaViolations(object: Record<string, unknown>, objectName = describeObject(object)): Violation[] | undefined {
  const validate = modelValidator(String(object.apiVersion), String(object.kind));
  if (!validate) return undefined;
  const seen = new Map<string, Seen>();
  let errors: AjvError[] = [];
  try {
    validate.call(watched(object, [], seen));
  } catch (error) {
    errors = (error as { errors?: AjvError[] }).errors ?? [];
    if (errors.length === 0) throw error;
  }
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const e of errors) {
    // IntOrString and Quantity are oneOf[string, number]: a failing value yields an error per branch
    // plus the oneOf. Keep the string branch's format error if there is one, else the oneOf alone.
    const path = jsonPath(pointerSegments(e.instancePath));
    const key = `${path}|${e.keyword}`;
    const atSamePath = errors.filter((o) => o !== e && o.instancePath === e.instancePath);
    if (e.keyword === 'type' && atSamePath.some((o) => o.keyword === 'oneOf')) continue;
    if (e.keyword === 'oneOf' && atSamePath.some((o) => o.keyword !== 'type' && o.keyword !== 'oneOf')) continue;
    if (reported.has(key)) continue;
    reported.add(key);
    violations.push(violation('schema', objectName, path, describeAjvError(e)));
  }
  for (const record of seen.values()) {
    // Enumerated: a map (any key allowed). Nothing read at all: a free-form object
    // (x-kubernetes-preserve-unknown-fields), or a subtree the validator never reached because its
    // parent already failed.
    if (record.enumerated || record.read.size === 0) continue;
    for (const key of Object.keys(record.value)) {
      if (record.read.has(key)) continue;
      violations.push(
        violation(
          'unknown-field',
          objectName,
          [...record.path, key],
          `unknown field "${key}": the ${String(object.apiVersion)} ${String(object.kind)} schema has no such field here (a typo or wrong indentation?); the API server would drop it silently`,
        ),
      );
    }
  }
  return violations;
}
