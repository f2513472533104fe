// Reaching Squash TM from this machine: the node port first (a node address, then `minikube service`
// on minikube), then `kubectl port-forward` to the Service. Used by step 4 and again after the
// upgrade and the reinstall, through whatever route answers then.
import { spawn } from 'node:child_process';
import { Context, expected } from '../context';
import { Exposure, exposureFailure, exposureLine, portForwardUrl } from '../exposure';
import { minikubeServiceUrl, nodePortUrls } from '../nodeport';
import type { INode, IService } from '../types';
import { pause } from '../pause';
import { StepFailure } from '../wait';

type Check = { ok: boolean; detail: string };

async function get(url: string, expectText: string): Promise<Check> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
    const body = await response.text();
    if (response.status === 200 && body.toLowerCase().includes(expectText.toLowerCase())) {
      return { ok: true, detail: `GET ${url} -> 200, contains "${expectText}"` };
    }
    return { ok: false, detail: `GET ${url} -> ${response.status}, ${body.length} bytes, expected 200 and "${expectText}"` };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    return { ok: false, detail: `GET ${url} -> ${(error as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}

/** The health and login pages from one base URL, or why not. */
async function squashAnswers(base: string): Promise<Check> {
  const alive = await get(`${base}/squash/isSquashAlive`, 'Squash is Alive');
  if (!alive.ok) return alive;
  const login = await get(`${base}/squash/login`, '<html');
  return login.ok ? { ok: true, detail: `${alive.detail}; ${login.detail}` } : login;
}

/**
 * Start a command that prints a URL and then keeps a tunnel open (`minikube service --url`,
 * `kubectl port-forward`): wait for the URL, check Squash TM through it, stop the command.
 */
function throughTunnel(what: string, command: string, args: string[], urlOf: (output: string) => string | undefined): Promise<Check> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let done = false;
  return new Promise<Check>((resolve) => {
    const finish = (check: Check) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill();
      resolve(check);
    };
    const timer = setTimeout(() => finish({ ok: false, detail: `${what} printed no URL within 60s: ${output.trim()}` }), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = urlOf(output);
      if (url) {
        child.stdout.off('data', onData);
        squashAnswers(url).then(finish, (error: Error) => finish({ ok: false, detail: error.message }));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => finish({ ok: false, detail: `${what}: ${error.message}` }));
    child.on('exit', (code) => {
      if (!urlOf(output)) finish({ ok: false, detail: `${what} exited with ${code}: ${output.trim() || 'no output'}` });
    });
  });
}

/** The NodePort route, or why it does not answer. */
async function throughNodePort(ctx: Context, service: IService): Promise<Check> {
  const type = service.spec?.type ?? 'ClusterIP';
  if (type === 'ClusterIP') return { ok: false, detail: `service/${service.metadata?.name} is ClusterIP with these values: no node port` };
  const tried: string[] = [];
  let urls: string[];
  try {
    urls = nodePortUrls(service, await ctx.kube.list<INode>('nodes'));
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
  for (const base of urls) {
    const result = await squashAnswers(base);
    if (result.ok) return { ok: true, detail: `through a node address, ${result.detail}` };
    tried.push(result.detail);
  }
  // minikube's docker driver on macOS and Windows hides the node's address: it tunnels instead.
  if (ctx.minikube) {
    const args = ['service', service.metadata?.name ?? '', '--url', '--namespace', ctx.kube.namespace, '--profile', ctx.minikube.profile];
    const result = await throughTunnel('minikube service --url', ctx.minikube.bin, args, minikubeServiceUrl);
    if (result.ok) return { ok: true, detail: `through \`minikube service --url\`, ${result.detail}` };
    tried.push(result.detail);
  }
  return { ok: false, detail: tried.join('; ') };
}

function throughPortForward(ctx: Context, service: IService): Promise<Check> {
  const ports = service.spec?.ports ?? [];
  const port = (ports.find((p) => p.name === 'http') ?? ports[0])?.port;
  const { kube } = ctx;
  // ":PORT" lets kubectl pick a free local port, which it prints.
  const args = ['--context', kube.context, '--namespace', kube.namespace, 'port-forward', `service/${service.metadata?.name}`, `:${port}`];
  return throughTunnel('kubectl port-forward', kube.bin.kubectl, args, portForwardUrl);
}

/** Find how Squash TM answers from here, trying the node port first. */
export async function findExposure(ctx: Context): Promise<Exposure> {
  const serviceName = expected(ctx).squashService;
  if (!serviceName) throw new StepFailure('the release has no Squash TM Service');
  const service = await ctx.kube.json<IService>(['get', 'service', serviceName]);
  const nodePort = await throughNodePort(ctx, service);
  if (nodePort.ok) return { kind: 'nodeport', detail: nodePort.detail };
  const forward = await throughPortForward(ctx, service);
  if (forward.ok) return { kind: 'port-forward', detail: forward.detail, nodePortProblem: nodePort.detail };
  return { kind: 'unreachable', reason: `node port: ${nodePort.detail}; port-forward: ${forward.detail}` };
}

/**
 * Squash TM answers again after a change (a rolled pod, a reinstall), through whatever route answers
 * now. Tried three times: the Service's endpoints, and the pod port-forward picks, may lag the new
 * pod's readiness by a few seconds.
 */
export async function expectReachable(ctx: Context, when: string, tries = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const exposure = await findExposure(ctx);
    const failure = exposureFailure(exposure, ctx.options.requireNodePort);
    if (!failure || attempt >= tries) {
      ctx.log(`${when}: ${exposureLine(exposure)}`);
      if (failure) throw new StepFailure(`${when}: ${failure}`);
      return;
    }
    await pause(5000);
  }
}
