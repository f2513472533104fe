// Step 4: the brief's `kubectl get pv/pvc/deployments/svc` expectations, and Squash TM reached from
// outside the cluster through its NodePort, as the course's reader would open it in a browser.
import { spawn } from 'node:child_process';
import { Context, expected } from '../context';
import { briefFailures } from '../expectations';
import { minikubeServiceUrl, nodePortUrls } from '../nodeport';
import type { INode, IService } from '../types';
import { snapshot, StepFailure } from '../wait';

export async function briefChecks(ctx: Context): Promise<void> {
  const { kube, options } = ctx;
  // What the course's reader sees, printed for the human; the assertions below work on JSON.
  const table = await kube.kubectl(['get', 'pvc,deploy,sts,pods,svc', '-l', `app.kubernetes.io/instance=${options.release}`]);
  const pvs = expected(ctx).pvs;
  const pvTable = pvs.length > 0 ? await kube.kubectl(['get', 'pv', ...pvs]) : undefined;
  for (const output of [table, pvTable]) {
    for (const line of `${output?.stdout || output?.stderr || ''}`.split('\n').filter((l) => l.trim())) ctx.log(line);
  }
  const failures = briefFailures(expected(ctx), await snapshot(kube, options.release));
  if (failures.length > 0) throw new StepFailure(`basic checks failed:\n  - ${failures.join('\n  - ')}`);
  const e = expected(ctx);
  ctx.log(
    `pv [${e.pvs.join(', ')}] and pvc [${e.pvcs.join(', ')}] Bound with the size and modes asked for; deploy [${e.deployments.join(', ')}] and sts [${e.statefulSets.join(', ')}] 1/1`,
  );
  await reachFromOutside(ctx);
}

type Check = { ok: true; detail: string } | { ok: false; detail: string };

async function get(url: string, expectText: string): Promise<Check> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
    const body = await response.text();
    if (response.status === 200 && body.toLowerCase().includes(expectText.toLowerCase())) {
      return { ok: true, detail: `GET ${url} -> 200, contains "${expectText}"` };
    }
    return { ok: false, detail: `GET ${url} -> ${response.status}, ${body.length} bytes, expected 200 and "${expectText}"` };
  } catch (error) {
    return { ok: false, detail: `GET ${url} -> ${(error as Error).message}` };
  }
}

/** The health and login pages from one base URL, or why not. */
async function squashAnswers(base: string): Promise<Check> {
  const alive = await get(`${base}/squash/isSquashAlive`, 'Squash is Alive');
  if (!alive.ok) return alive;
  const login = await get(`${base}/squash/login`, '<html');
  return login.ok ? { ok: true, detail: `${alive.detail}; ${login.detail}` } : login;
}

async function reachFromOutside(ctx: Context): Promise<void> {
  const { kube } = ctx;
  const serviceName = expected(ctx).squashService;
  if (!serviceName) throw new StepFailure('the release has no Squash TM Service');
  const service = await kube.json<IService>(['get', 'service', serviceName]);
  if ((service.spec?.type ?? 'ClusterIP') === 'ClusterIP') {
    // Not a pass: a check that does not apply to these values, said so; helm test covers HTTP inside.
    return ctx.log(`service/${serviceName} is ClusterIP with these values: not exposed outside the cluster, NodePort check not applicable`);
  }
  const nodes = await kube.list<INode>('nodes');
  const tried: string[] = [];
  for (const base of nodePortUrls(service, nodes)) {
    const result = await squashAnswers(base);
    if (result.ok) return ctx.log(`from outside the cluster, through the node port: ${result.detail}`);
    tried.push(result.detail);
  }
  // minikube's docker driver on macOS and Windows hides the node's address: it tunnels instead.
  if (ctx.minikubeProfile) {
    const result = await throughMinikubeTunnel(ctx, serviceName);
    if (result.ok) return ctx.log(`from outside the cluster, through \`minikube service --url\`: ${result.detail}`);
    tried.push(result.detail);
  }
  throw new StepFailure(`Squash TM is not reachable from outside the cluster:\n  - ${tried.join('\n  - ')}`);
}

/** `minikube service --url` prints the URL, then keeps a tunnel open on some drivers: read, use, stop. */
function throughMinikubeTunnel(ctx: Context, service: string): Promise<Check> {
  const args = ['service', service, '--url', '--namespace', ctx.kube.namespace, '--profile', ctx.minikubeProfile ?? 'minikube'];
  const child = spawn('minikube', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise<Check>((resolve) => {
    const finish = (check: Check) => {
      clearTimeout(timer);
      child.kill();
      resolve(check);
    };
    const timer = setTimeout(
      () => finish({ ok: false, detail: `minikube service --url printed no URL within 60s: ${output.trim()}` }),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = minikubeServiceUrl(output);
      if (url) {
        child.stdout.off('data', onData);
        squashAnswers(url).then(finish, (error: Error) => finish({ ok: false, detail: error.message }));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => finish({ ok: false, detail: `minikube service: ${error.message}` }));
    child.on('exit', (code) => {
      if (!minikubeServiceUrl(output)) finish({ ok: false, detail: `minikube service exited with ${code}: ${output.trim()}` });
    });
  });
}
