// secret-generator.ts runs the Job's kubectl under helm.ts's locale, for speed: the Job must make the
// same requests and print the same as with kubectl under the caller's locale, on a fresh cluster, on
// one where its Secrets exist, and when the API server cannot be reached.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeApiServer, startFakeApiServer } from './fake-api-server';
import { renderOk } from './helm';
import { runGeneratorJob } from './secret-generator';

const dir = mkdtempSync(path.join(tmpdir(), 'kubectl-locale-'));
const servers: FakeApiServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

describe("the secret-generator Job's kubectl locale", () => {
  it('changes no request and nothing printed', async () => {
    const objects = await renderOk({});
    const unreachable = path.join(dir, 'unreachable.kubeconfig');
    writeFileSync(
      unreachable,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\n' +
        'contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {}}]\n',
    );
    const runs = async (shim: boolean) => {
      const server = await startFakeApiServer([], dir);
      servers.push(server);
      const fresh = await runGeneratorJob(objects, server.kubeconfig, { shim });
      const again = await runGeneratorJob(objects, server.kubeconfig, { shim });
      const offline = await runGeneratorJob(objects, unreachable, { shim });
      // klog's time and pid, and the order of kubectl's parallel discovery requests, vary from run to run.
      const output = offline.output.replace(/^([EIW])\d{4} [\d:.]+ +\d+ /gm, '$1<time> <pid> ');
      return { fresh, again, offline: { ok: offline.ok, output }, requests: [...server.requests].sort() };
    };
    const [withShim, without] = await Promise.all([runs(true), runs(false)]);
    expect(withShim.fresh.ok && withShim.again.ok && !withShim.offline.ok).toBe(true);
    expect(withShim.offline.output).toMatch(/127\.0\.0\.1:9/);
    expect(withShim).toEqual(without);
  });
});
