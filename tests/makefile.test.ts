// The Makefile's promises: `make render` prints YAML only (pipeable into `npm run validate -- -`),
// and `make deploy` says which values file and namespace it uses before touching a cluster.
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../generator/toolchain/tools';
import { parseObjects } from './support/helm';

// No -s: the targets themselves must keep make's echo out of their output.
const make = (...args: string[]) => spawnSync('make', args, { cwd: repoRoot, encoding: 'utf8' });

describe('the Makefile', () => {
  it('renders clean YAML: every document a Kubernetes object, no echoed command', () => {
    const { status, stdout } = make('render');
    expect(status).toBe(0);
    expect(parseObjects(stdout).map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Job']));
  });

  it('would fail on a command line echoed before the YAML (negative control)', () => {
    const echoed = `.tools/helm4/helm template squash chart\n${make('render').stdout}`;
    expect(() => parseObjects(echoed)).toThrow();
  });

  it('prints the values file and namespace deploy uses', () => {
    // HELM=echo: nothing is installed; the line make prints is what a real deploy would announce.
    const { status, stderr } = make('deploy', 'HELM=echo', 'VALUES=values/dev.yaml', 'NAMESPACE=team-a');
    expect(status).toBe(0);
    expect(stderr).toContain('deploy: release squash, namespace team-a, values values/dev.yaml');
  });
});
