// Conditions over several values. generator/emit/value-rules-template.ts compiles them into a Helm
// template that `fail`s with the rule's message, so that `helm template` and `helm install` (Helm 3
// and 4) refuse forbidden combinations in words. A rule is a *violation*: "if the values look like
// this, fail with this message". Paths are keys of generator/values.ts (generation fails otherwise).

export type Scalar = string | number | boolean;

export type Condition =
  | { kind: 'is'; path: string; value: Scalar }
  | { kind: 'filled'; path: string }
  | { kind: 'empty'; path: string }
  | { kind: 'someItemNotIn'; path: string; allowed: readonly string[] }
  | { kind: 'someItemFieldIn'; path: string; field: string; values: readonly string[] }
  | { kind: 'all' | 'any'; of: Condition[] }
  | { kind: 'not'; condition: Condition };

export const is = (path: string, value: Scalar): Condition => ({ kind: 'is', path, value });
/** A non-empty string or list, or a non-null value. */
export const filled = (path: string): Condition => ({ kind: 'filled', path });
/** An empty string or list. */
export const empty = (path: string): Condition => ({ kind: 'empty', path });
/** A list of strings holds an item that is not one of `allowed`. */
export const someItemNotIn = (path: string, allowed: readonly string[]): Condition => ({ kind: 'someItemNotIn', path, allowed });
/** A list of objects holds an item whose `field` is one of `values`. */
export const someItemFieldIn = (path: string, field: string, values: readonly string[]): Condition => ({
  kind: 'someItemFieldIn',
  path,
  field,
  values,
});
export const all = (...of: Condition[]): Condition => ({ kind: 'all', of });
export const any = (...of: Condition[]): Condition => ({ kind: 'any', of });
export const not = (condition: Condition): Condition => ({ kind: 'not', condition });

export interface ValueRule {
  /** The combination that is refused. */
  violation: Condition;
  /** Names the keys, the rule and the fix. */
  message: string;
}
