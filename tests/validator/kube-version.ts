// Target Kubernetes versions: "1.29", "1.29.0" and "v1.29.3" all mean minor 29.
import { supportedKubernetes } from '../../generator/chart-metadata';

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

export const atLeast = (target: KubeVersion, version: string): boolean =>
  compareVersions(target, parseKubeVersion(version)) >= 0;

export const formatVersion = (v: KubeVersion): string => `${v.major}.${v.minor}`;

/** The chart's supported range (generator/chart-metadata.ts): the default target is the newest. */
export const oldestSupported = parseKubeVersion(supportedKubernetes.oldest);
export const newestSupported = parseKubeVersion(supportedKubernetes.newest);
