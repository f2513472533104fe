// The kubectl-only restore of the chart README (what `helm show readme` prints): every object its
// commands name is one the chart renders (kind and name, label selectors, the copy pod's image and
// claim), the Job its step 3 makes, run with the bundled kubectl against a fake API server, is the
// Job `npm run restore` creates, and its step 4 waits for Complete or Failed. Names come from the
// rendering, never copied here.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { parse } from 'yaml';
import { restoreJob } from '../../generator/restore/job';
import { kubectlPath } from '../../generator/toolchain/tools';
import { FAKE_PASSWORD } from '../chart/scenarios';
import { startFakeApiServer, StoredObject } from '../support/fake-api-server';
import { K8sObject, renderOk } from '../support/helm';
import { componentOf, one } from '../support/objects';

const run = promisify(execFile);
const readme = readFileSync(path.join(__dirname, '..', '..', 'chart', 'README.md'), 'utf8');

/** The text of a `## ` section, up to the next one. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "## ${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The shell commands of its ```sh blocks (indented ones in lists too), continuation lines joined. */
function shellLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^[ \t]*```sh\n([\s\S]*?)^[ \t]*```/gm)].map((m) => m[1] as string);
  return blocks.flatMap((b) =>
    b
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

const kinds: Record<string, string> = {
  cronjob: 'CronJob',
  deployment: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  pvc: 'PersistentVolumeClaim',
  job: 'Job',
  pod: 'Pod',
  pods: 'Pod',
};

interface DocReference {
  kind: string;
  name: string;
  command: string;
}

/** What the kubectl commands name: objects (kind/name or kind name), label selectors, images and claims. */
function references(lines: string[]) {
  // Up to `--`: what follows is the command run in the pod (`ls -l` is no label selector).
  const commands = lines.flatMap((l) => l.match(/kubectl\b[^|;]*/g) ?? []).map((c) => c.split(' -- ')[0] as string);
  const created = new Set(
    commands.flatMap((c) => [...c.matchAll(/(?:create job --from=\S+|run) ("?[\w$.-]+"?)/g)].map((m) => m[1] as string)),
  );
  const objects: DocReference[] = [];
  const selectors: { selector: string; command: string }[] = [];
  const images: string[] = [];
  const claims: string[] = [];
  for (const command of commands) {
    const named = [
      ...command.matchAll(/\b(cronjob|deployment|deploy|statefulset|pvc|job)\/([\w$".-]+)/g),
      ...command.matchAll(/\b(?:get|patch|delete|scale|describe) (cronjob|deployment|statefulset|pvc|job) ([a-z0-9][\w$".-]*)/g),
    ];
    for (const [, kind, name] of named) {
      if (created.has(name as string) || name!.includes('$')) continue;
      objects.push({ kind: kinds[kind as string] as string, name: name as string, command });
    }
    for (const m of command.matchAll(/ -l ("?)([^\s"]+)\1/g)) selectors.push({ selector: m[2] as string, command });
    for (const m of command.matchAll(/--image=(\S+)/g)) images.push(m[1] as string);
  }
  // In a pod's JSON, which spans lines.
  for (const m of lines.join('\n').matchAll(/"claimName":"([^"]+)"/g)) claims.push(m[1] as string);
  return { objects, selectors, images, claims };
}

/** Every label set of the rendering: objects and their pod templates. */
const labelSets = (objects: K8sObject[]) =>
  objects.flatMap((o) => {
    const spec = o.spec as {
      template?: { metadata?: { labels?: object } };
      jobTemplate?: { spec?: { template?: { metadata?: { labels?: object } } } };
    };
    return [o.metadata.labels, spec?.template?.metadata?.labels, spec?.jobTemplate?.spec?.template?.metadata?.labels].filter(
      (l): l is Record<string, string> => !!l,
    );
  });

/** The references the rendering does not hold, one line each. */
function unknownReferences(refs: ReturnType<typeof references>, objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const r of refs.objects) {
    if (!objects.some((o) => o.kind === r.kind && o.metadata.name === r.name)) problems.push(`${r.kind} ${r.name} (in: ${r.command})`);
  }
  const sets = labelSets(objects);
  for (const { selector, command } of refs.selectors) {
    // Set by the Job controller on the pods it makes, not by the chart.
    const pairs = selector.split(',').filter((p) => !p.startsWith('batch.kubernetes.io/'));
    const wanted = pairs.map((p) => p.split('=') as [string, string]);
    if (wanted.some(([, v]) => v === undefined || v.includes('$'))) continue;
    if (!sets.some((labels) => wanted.every(([k, v]) => labels[k] === v))) problems.push(`selector ${selector} (in: ${command})`);
  }
  const renderedImages = new Set(
    objects.flatMap((o) => JSON.stringify(o).match(/"image":"[^"]+"/g) ?? []).map((m) => m.slice('"image":"'.length, -1)),
  );
  for (const image of refs.images) if (!renderedImages.has(image)) problems.push(`image ${image}`);
  for (const claim of refs.claims) {
    if (!objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim)) problems.push(`claim ${claim}`);
  }
  return problems;
}

describe('the kubectl-only restore of the chart README', () => {
  const lines = shellLines(section(readme, 'Backup and restore'));
  let objects: K8sObject[];
  beforeAll(async () => {
    objects = await renderOk({ values: { auth: { password: FAKE_PASSWORD }, backup: { enabled: true } }, namespace: 'squash' });
  });
  const cronJobOf = (component: string) => objects.find((o) => o.kind === 'CronJob' && componentOf(o) === component)!;

  it('names only objects, labels, images and claims the chart renders (release squash, namespace squash)', () => {
    const refs = references(lines);
    expect(unknownReferences(refs, objects)).toEqual([]);
    // Not vacuous: the procedure's own objects are among those checked.
    const checked = refs.objects.map((r) => `${r.kind}/${r.name}`);
    for (const o of [cronJobOf('restore'), cronJobOf('backup'), one(objects, 'Deployment', 'squash')]) {
      expect(checked).toContain(`${o.kind}/${o.metadata.name}`);
    }
    expect(refs.selectors.filter((s) => !s.selector.startsWith('batch.kubernetes.io/'))).not.toEqual([]);
    expect(refs.claims).not.toEqual([]);
    expect(refs.images).not.toEqual([]);
    expect(lines.every((l) => !l.includes(' -n ') || l.includes('-n squash'))).toBe(true);
  });

  it('catches a misspelt object, a selector that selects nothing and an image the chart does not use (negative control)', () => {
    const doctored = [
      'kubectl -n squash patch cronjob squash-squash-tm-backups --type=merge -p x',
      'kubectl -n squash scale deployment/squash-tm --replicas=0',
      'kubectl -n squash wait --for=delete pod -l app.kubernetes.io/instance=squash,app.kubernetes.io/component=squash-tm',
      'kubectl -n squash run copy --image=postgres:16 --overrides=\'{"volumes":[{"persistentVolumeClaim":{"claimName":"dumps"}}]}\'',
    ];
    expect(unknownReferences(references(doctored), objects)).toEqual([
      expect.stringContaining('CronJob squash-squash-tm-backups'),
      expect.stringContaining('Deployment squash-tm'),
      expect.stringContaining('selector app.kubernetes.io/instance=squash,app.kubernetes.io/component=squash-tm'),
      'image postgres:16',
      'claim dumps',
    ]);
  });

  it('waits (step 4) until the Job is Complete or Failed, not on the conditions that come before (against a fake API server)', async () => {
    const wait = lines.find((l) => l.startsWith('until kubectl') && l.includes('get job'));
    const check = /^until (.*); do sleep \d+; done$/.exec(wait ?? '')?.[1];
    expect(check).toBeDefined();
    const job = (name: string, ...types: string[]): StoredObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'squash' },
      status: { conditions: types.map((type) => ({ type, status: 'True' })).concat([{ type: 'Suspended', status: 'False' }]) },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'restore-docs-'));
    symlinkSync(kubectlPath(), path.join(dir, 'kubectl'));
    const server = await startFakeApiServer(
      [
        job('done', 'SuccessCriteriaMet', 'Complete'),
        job('failed', 'FailureTarget', 'Failed'),
        job('ending', 'FailureTarget'),
        job('running'),
      ],
      dir,
    );
    const ends = async (name: string) =>
      run('sh', ['-c', `JOB=${name}; ${check}`], {
        env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG: server.kubeconfig, HOME: dir },
      }).then(
        () => true,
        () => false,
      );
    try {
      expect(await Promise.all(['done', 'failed', 'ending', 'running'].map(ends))).toEqual([true, true, false, false]);
    } finally {
      await server.close();
    }
  });

  it('makes, with the bundled kubectl, the Job npm run restore creates (against a fake API server)', async () => {
    const pipeline = lines.find((l) => l.includes('create job --from=cronjob/') && l.includes('set env'));
    const jobLine = lines.find((l) => l.startsWith('JOB='));
    expect(pipeline).toBeDefined();
    const stages = pipeline!.split(' | ');
    // The last stage sends it to the API server (the fake serves no OpenAPI for kubectl's validation): read what it would send.
    expect(stages.at(-1)).toBe('kubectl -n squash create -f -');
    const restoreCronJob = {
      ...cronJobOf('restore'),
      metadata: { ...cronJobOf('restore').metadata, namespace: 'squash', uid: 'fake-uid-2' },
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'restore-docs-'));
    symlinkSync(kubectlPath(), path.join(dir, 'kubectl'));
    const server = await startFakeApiServer([restoreCronJob as unknown as StoredObject], dir);
    try {
      const { stdout } = await run('sh', ['-c', `${jobLine}\n${stages.slice(0, -1).join(' | ')}`], {
        env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG: server.kubeconfig, HOME: dir },
        timeout: 30_000,
      });
      const made = parse(stdout) as IJob & { status?: object };
      expect(made.status).toEqual({});
      expect(made.metadata?.namespace).toBe('squash');
      delete made.status;
      delete made.metadata!.namespace;
      const dump = /DUMP=(\S+)/.exec(pipeline!)![1] as string;
      const cli = restoreJob(restoreCronJob as unknown as ICronJob, {
        name: made.metadata!.name!,
        dump,
        deadlineSeconds: (restoreCronJob as unknown as ICronJob).spec!.jobTemplate.spec!.activeDeadlineSeconds!,
      });
      expect(made).toEqual(cli);
      expect(made.metadata!.name).toMatch(/^squash-restore-\d+$/);
    } finally {
      await server.close();
    }
  });
});
