// Command line of `npm run test:e2e -- [options]`.
import { parseDuration } from './progress';

export interface Options {
  minikube: boolean;
  profile: string;
  valuesFile: string;
  helm3: boolean;
  keep: boolean;
  /** Fail step 4 unless the NodePort answers (the course's exact check); otherwise port-forward is accepted. */
  requireNodePort: boolean;
  /** How long the first install may take to become ready (image pulls and schema creation). */
  timeoutSeconds: number;
  release: string;
  namespace?: string;
}

export const usage = `Usage: npm run test:e2e -- [options]
  --minikube          start minikube (profile "minikube", or --profile) and test on it
  --profile NAME      minikube profile (default minikube)
  --values FILE       values file to install with (default values/minikube.yaml)
  --helm3             use Helm 3 (.tools/helm3/helm or HELM3_BIN) instead of Helm 4
  --require-nodeport  fail unless Squash TM answers on its NodePort from here (no port-forward fallback)
  --keep              leave the namespace, the release and the kept PV/PVC for inspection
  --timeout DURATION  deadline for the first install to be ready (default 15m; e.g. 900s, 20m)
  --release NAME      release name (default squash)
  --namespace NAME    namespace (default: a fresh squash-e2e-<time>; it must not exist)
Exit codes: 0 passed, 1 failed, 2 bad usage, 3 skipped (no reachable cluster).`;

/** Flags that switch an option on. */
const SWITCHES = new Map<string, 'minikube' | 'helm3' | 'keep' | 'requireNodePort'>([
  ['--minikube', 'minikube'],
  ['--helm3', 'helm3'],
  ['--keep', 'keep'],
  ['--require-nodeport', 'requireNodePort'],
]);
/** Flags whose value, the next argument, is the option as written. */
const TEXT_OPTIONS = new Map<string, 'profile' | 'valuesFile' | 'release' | 'namespace'>([
  ['--profile', 'profile'],
  ['--values', 'valuesFile'],
  ['--release', 'release'],
  ['--namespace', 'namespace'],
]);

export function parseArgs(argv: string[]): Options | { error: string } {
  const options: Options = {
    minikube: false,
    profile: 'minikube',
    valuesFile: 'values/minikube.yaml',
    helm3: false,
    keep: false,
    requireNodePort: false,
    timeoutSeconds: 900,
    release: 'squash',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    const switched = SWITCHES.get(flag);
    const text = TEXT_OPTIONS.get(flag);
    try {
      if (switched) options[switched] = true;
      else if (text) options[text] = value();
      else if (flag === '--timeout') options.timeoutSeconds = parseDuration(value());
      else return { error: `unknown option ${flag}` };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
  for (const [flag, name] of [
    ['--release', options.release],
    ['--namespace', options.namespace],
  ] as const) {
    if (name !== undefined && !/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(name)) {
      return { error: `${flag} "${name}" is not a DNS label of at most 53 characters (a-z, 0-9, -)` };
    }
  }
  return options;
}

/** A namespace nobody else uses: the time in base 36 keeps it short and sortable. */
export const freshNamespace = (now: Date): string => `squash-e2e-${now.getTime().toString(36)}`;
