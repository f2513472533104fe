// Target Kubernetes versions: "1.29", "1.29.0" and "v1.29.3" all mean minor 29.
// The validator knows Kubernetes up to `newestKnown`: its removed-API table (api-versions.ts) covers
// every minor through it, and it is the default target. The OpenAPI schemas come from
// kubernetes-models (schemaKubernetes), the newest that npm carries; it is independent of any chart.

export interface KubeVersion {
  major: number;
  minor: number;
}

export function parseKubeVersion(text: string): KubeVersion {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a Kubernetes version: write it as 1.29 or 1.29.0`);
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Negative when a is older than b. */
export const compareVersions = (a: KubeVersion, b: KubeVersion): number => a.major - b.major || a.minor - b.minor;

export const atLeast = (target: KubeVersion, version: string): boolean => compareVersions(target, parseKubeVersion(version)) >= 0;

export const formatVersion = (v: KubeVersion): string => `${v.major}.${v.minor}`;

/** The newest minor the removed-API table covers (checked against the release notes through it). */
export const newestKnown = parseKubeVersion('1.37');
/** The Kubernetes minor of the OpenAPI schemas kubernetes-models 5.1 carries. */
export const schemaKubernetes = parseKubeVersion('1.36');
