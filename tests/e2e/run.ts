// npm run test:e2e -- [--minikube] [--values FILE] [--helm3] [--keep] [--require-nodeport] [--timeout 15m]
// Installs the chart on a real cluster and checks it end to end (see CONTRIBUTING.md).
// Exit codes: 0 passed, 1 failed, 2 bad usage, 3 skipped because no cluster is reachable.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chartDir } from '../support/helm';
import { helmPath, kubectlPath, repoRoot } from '../../generator/toolchain/tools';
import { freshNamespace, Options, parseArgs, usage } from './args';
import { EXIT } from './cluster';
import type { Context } from './context';
import { exposureSummary } from './exposure';
import { Kube } from './kube';
import { findOnPath } from './path-lookup';
import { formatDuration, stepLine } from './progress';
import { briefChecks } from './steps/brief-checks';
import { cleanup } from './steps/cleanup';
import { findCluster } from './steps/find-cluster';
import { helmTest } from './steps/helm-test';
import { imageContract } from './steps/image-contract';
import { install, waitInstalled } from './steps/install';
import { persistence } from './steps/persistence';
import { preflight } from './steps/preflight';
import { uninstallAndReinstall } from './steps/reinstall';
import { upgrade } from './steps/upgrade';

const TOTAL = 10;
const detail = (line: string) => console.log(`    ${line}`);

async function timed<T>(index: number, title: string, body: () => Promise<T>): Promise<T> {
  console.log(`[${index}/${TOTAL}] ${title} ...`);
  const started = Date.now();
  try {
    const result = await body();
    console.log(stepLine(index, TOTAL, title, 'ok', Date.now() - started));
    return result;
  } catch (error) {
    console.log(stepLine(index, TOTAL, title, 'FAILED', Date.now() - started));
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return EXIT.passed;
  }
  const parsed = parseArgs(argv);
  if ('error' in parsed) {
    console.error(`${parsed.error}\n${usage}`);
    return EXIT.usage;
  }
  const options: Options = parsed;
  const valuesFile = path.resolve(repoRoot, options.valuesFile);
  if (!existsSync(valuesFile)) {
    console.error(`--values ${options.valuesFile}: no such file (${valuesFile})`);
    return EXIT.usage;
  }
  const binaries = { kubectl: kubectlPath(), helm: helmPath(options.helm3 ? 'helm3' : 'helm4') };
  const started = Date.now();

  // Step 1 prints its own end line: "ok" or "SKIPPED", never "ok" followed by a skip.
  console.log(`[1/${TOTAL}] find a cluster ...`);
  const decision = await findCluster(options, binaries.kubectl, detail);
  if (!decision.run) {
    console.log(stepLine(1, TOTAL, 'find a cluster', 'SKIPPED', Date.now() - started));
    console.log(`SKIPPED: no end-to-end test ran: ${decision.reason}`);
    return EXIT.skipped;
  }
  detail(`context ${decision.context}, API server ${decision.server} (Kubernetes ${decision.serverVersion}); ${binaries.helm}`);

  const minikubeBin = options.minikube || decision.context === options.profile ? findOnPath('minikube') : undefined;
  const namespace = options.namespace ?? freshNamespace(new Date());
  const ctx: Context = {
    kube: new Kube(binaries, decision.context, namespace),
    options,
    chartDir,
    valuesFile,
    extraValues: [],
    scratch: mkdtempSync(path.join(tmpdir(), 'squash-e2e-')),
    minikube: minikubeBin ? { profile: options.profile, bin: minikubeBin } : undefined,
    log: detail,
    namespaceCreated: false,
    installed: false,
  };
  try {
    await preflight(ctx);
  } catch (error) {
    rmSync(ctx.scratch, { recursive: true, force: true });
    console.log(stepLine(1, TOTAL, 'find a cluster', 'FAILED', Date.now() - started));
    console.log(`E2E FAILED at step 1 (find a cluster) after ${formatDuration(Date.now() - started)}: ${(error as Error).message}`);
    return EXIT.failed;
  }
  console.log(stepLine(1, TOTAL, 'find a cluster', 'ok', Date.now() - started));

  let cleaning: Promise<void> | undefined;
  const cleanOnce = () =>
    (cleaning ??= timed(TOTAL, options.keep ? 'keep what was installed (--keep)' : 'clean up', () => cleanup(ctx)).catch(() => undefined));
  process.once('SIGINT', () => {
    console.log('interrupted: cleaning up (Ctrl-C again to abandon)');
    void cleanOnce().then(() => process.exit(130));
  });

  const steps: [string, (c: Context) => Promise<void>][] = [
    [`install release ${options.release} into the new namespace ${namespace}`, install],
    ['wait until volumes are Bound, Deployments available and pods Ready', waitInstalled],
    ['basic checks: pv/pvc Bound, deployments 1/1, Squash TM reachable (NodePort, else port-forward)', briefChecks],
    ['helm test: the chart test pods, run in the cluster', helmTest],
    ["image contract: what the Squash TM image really does, against the chart's assumptions", imageContract],
    ['persistence: a row survives the PostgreSQL pod', persistence],
    ['helm upgrade: unchanged values change nothing; a new setting rolls Squash TM', upgrade],
    ['helm uninstall keeps the data; a reinstall finds it', uninstallAndReinstall],
  ];
  let failure: { index: number; title: string; message: string } | undefined;
  for (const [i, [title, step]] of steps.entries()) {
    try {
      await timed(i + 2, title, () => step(ctx));
    } catch (error) {
      failure = { index: i + 2, title, message: (error as Error).message };
      console.log(`FAILED: ${failure.message}`);
      break;
    }
  }
  await cleanOnce();
  rmSync(ctx.scratch, { recursive: true, force: true });
  const elapsed = formatDuration(Date.now() - started);
  if (failure) {
    console.log(`E2E FAILED at step ${failure.index} (${failure.title}) after ${elapsed}: ${failure.message}`);
    return EXIT.failed;
  }
  // The exposure outcome is part of the verdict: a pass through port-forward is not the course's NodePort check.
  const exposure = ctx.exposure ? `; Squash TM ${exposureSummary(ctx.exposure)}` : '';
  console.log(`E2E PASSED: ${TOTAL} steps on context ${decision.context} in ${elapsed}${exposure}`);
  return EXIT.passed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`E2E ERROR: ${error.message}`);
    process.exit(EXIT.failed);
  },
);
