// Which values keys a helm error names. Helm 4 prints JSON pointers (`at '/squash/service/nodePort'`,
// `at '/postgresql': additional properties 'foo' not allowed`), Helm 3 dotted paths
// (`squash.service.nodePort: ...`, `postgresql: Additional property foo is not allowed`,
// `auth.secretKeys: password is required`), and the
// chart's own `fail` messages name keys in prose. All become dotted paths: `squash.service.nodePort`.

import { foreignKeyPath, foreignKeys } from '../../generator/foreign-keys';
import { valuesDefinition } from '../../generator/values';

/** Top-level scalar keys (fullnameOverride, clusterDomain...): a fail message names them without a dot. */
const topLevelKeys = new Set([
  ...Object.entries(valuesDefinition.properties ?? {}).filter(([, f]) => !f.properties).map(([k]) => k),
  // and the keys of other charts the chart refuses by name (architecture, primary...)
  ...foreignKeys.filter((k) => !k.parent).map(foreignKeyPath),
]);

const join = (parent: string, child: string): string => (parent ? `${parent}.${child}` : child);

export function mentionedKeys(output: string): Set<string> {
  const keys = new Set<string>();
  // Helm 4: at '/a/b/0': message; the key of an unknown or missing property is in the message.
  for (const m of output.matchAll(/at '([^']*)': ([^\n]*)/g)) {
    const path = (m[1] ?? '').split('/').filter(Boolean).join('.');
    const named = /(?:additional propert(?:y|ies) (.+) not allowed|missing propert(?:y|ies) (.+))/.exec(m[2] ?? '');
    if (named) for (const name of (named[1] ?? named[2] ?? '').matchAll(/'([^']+)'/g)) keys.add(join(path, name[1] ?? ''));
    else if (path) keys.add(path);
  }
  // Helm 3: "- a.b.0: message" (also after "[ERROR] values.yaml: " in lint output)
  for (const m of output.matchAll(/(?:^|\s)- (\(root\)|[A-Za-z0-9_.-]+): ([^\n]*)/gm)) {
    const path = m[1] === '(root)' ? '' : (m[1] ?? '');
    const extra = /^(?:Additional property (\S+) is not allowed|(\S+) is required)$/.exec((m[2] ?? '').trim());
    if (extra) keys.add(join(path, extra[1] ?? extra[2] ?? ''));
    else if (path) keys.add(path);
  }
  // Prose (fail messages): every dotted identifier.
  for (const m of output.matchAll(/\b[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+\b/g)) keys.add(m[0]);
  for (const m of output.matchAll(/\b[A-Za-z][A-Za-z0-9]*\b/g)) if (topLevelKeys.has(m[0])) keys.add(m[0]);
  return keys;
}

/** Does the error name this key, or a field below it (`accessModes.0` names `accessModes`)? */
export function namesKey(output: string, key: string): boolean {
  return [...mentionedKeys(output)].some((k) => k === key || k.startsWith(`${key}.`));
}
