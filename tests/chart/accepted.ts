// What "the chart accepted these values" must guarantee about the rendering (issue 11): strict
// schema validation and cross-object consistency from the project's validator (`--cross-object`;
// Pod Security is a namespace's policy, not a property of valid values), plus one check the validator cannot make because it reads YAML 1.2: the API server
// reads manifests as YAML 1.1, where an unquoted `yes`, `on` or `null` is not the string it looks like.
import { parseAllDocuments } from 'yaml';
import { crossObjectViolations, CrossObjectOptions } from '../validator/cross-object';
import { withGeneratedSecrets } from '../support/secret-generator';
import type { KubeObject } from '../validator/objects';
import { allViolations, validateYaml } from '../validator/schema';
import { formatViolation } from '../validator/violations';

/**
 * Paths where YAML 1.1 (the API server's reading) and YAML 1.2 (the validator's) see different values.
 * `current`: the documents as already read under YAML 1.2 (helm.ts's objects), to spare a parse.
 * Empty documents (a template that printed only a comment) are left out of both readings.
 */
export function yaml11Differences(text: string, current?: readonly unknown[]): string[] {
  const read = (version: '1.1' | '1.2') =>
    parseAllDocuments(text, { version })
      .map((doc) => doc.toJS() as unknown)
      .filter((doc) => doc !== null);
  const differences: string[] = [];
  const compare = (a: unknown, b: unknown, path: string): void => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        compare((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      }
    } else if (a !== b) {
      differences.push(`${path}: YAML 1.1 reads ${JSON.stringify(a)} where YAML 1.2 reads ${JSON.stringify(b)}: quote the value in the template [yaml-1.1-scalar]`);
    }
  };
  const old = read('1.1');
  (current ?? read('1.2')).forEach((doc, i) => compare(old[i], doc, `document ${i + 1}`));
  return differences;
}

/**
 * Every reason the rendering would not be accepted by a cluster, formatted; [] when it would. The
 * Secrets the secret-generator hook Job makes count as existing: they exist before any pod starts.
 */
export function renderingViolations(yaml: string, objects: KubeObject[], existing: CrossObjectOptions): string[] {
  return [
    ...allViolations(validateYaml(yaml)).map(formatViolation),
    ...crossObjectViolations(objects, withGeneratedSecrets(objects, existing)).map(formatViolation),
    ...yaml11Differences(yaml, objects),
  ];
}
