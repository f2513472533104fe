// The restore Job, built from the live backup CronJob: same image, credentials, database address,
// claim, labels (which the PostgreSQL NetworkPolicy admits) and security settings, with the restore
// script instead of the dump script. Pure functions: tested offline on a rendered CronJob.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';

/** A dump's base name as the backup script writes it: `<UTC stamp>-<reason>`, or `latest`. */
export const dumpNamePattern = /^(latest|[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+)$/;

/** Accepts `20261129T030000Z-scheduled`, with or without `.dump` or `.sha256`. */
export function parseDumpName(input: string): string | { error: string } {
  const name = input.replace(/\.(dump|sha256)$/, '');
  return dumpNamePattern.test(name)
    ? name
    : { error: `"${input}" is not a dump name: expected "latest" or <UTC stamp>-<reason>, e.g. 20261129T030000Z-scheduled` };
}

/**
 * Checks the dump against its checksum file, then restores it in one transaction: any error rolls the
 * whole restore back and leaves the database as it was. `--clean --if-exists` drops each object of
 * the dump before recreating it; `--no-owner` makes the connecting user own what it creates, so a
 * dump restores into a release whose user has another name.
 */
export const restoreScript = `set -euo pipefail
cd "$BACKUP_DIR"
complete() { ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+\\.sha256$' | sort -r | sed 's/\\.sha256$//'; }
name="$DUMP"
if [ "$name" = latest ]; then
  name="$(complete | head -n 1)"
  if [ -z "$name" ]; then
    echo "FAIL: no complete dump in $BACKUP_DIR"
    exit 1
  fi
fi
if [ ! -f "$name.sha256" ] || [ ! -f "$name.dump" ]; then
  echo "FAIL: $name is not a complete dump in $BACKUP_DIR. Complete dumps, newest first:"
  complete
  exit 1
fi
sha256sum --check --strict "$name.sha256"
echo "Restoring $name.dump into database $PGDATABASE at $PGHOST:$PGPORT as $PGUSER"
pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$PGDATABASE" "$name.dump"
echo "PASS: restored $name"
`;

/** Environment variables only the dump uses. */
const dumpOnlyEnv = new Set(['REASON', 'RETENTION', 'ROLES']);

export function restoreJob(cronJob: ICronJob, dump: string): IJob {
  const template = cronJob.spec?.jobTemplate.spec?.template;
  const container = template?.spec?.containers[0];
  if (!template?.spec || !container) throw new Error(`CronJob ${cronJob.metadata?.name} has no pod template with a container`);
  const env: IEnvVar[] = [...(container.env ?? []).filter((e) => !dumpOnlyEnv.has(e.name)), { name: 'DUMP', value: dump }];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      // The API server appends 5 random characters (and shortens the prefix if needed).
      generateName: `${cronJob.metadata?.name}-restore-`,
      labels: { ...cronJob.metadata?.labels },
    },
    spec: {
      // One attempt: a failed restore is rolled back and should be read, not retried blindly.
      backoffLimit: 0,
      activeDeadlineSeconds: cronJob.spec?.jobTemplate.spec?.activeDeadlineSeconds,
      // Kept a day for `kubectl logs`.
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: template.metadata,
        spec: {
          ...template.spec,
          containers: [
            {
              ...container,
              name: 'restore',
              env,
              command: ['bash', '-c'],
              args: [restoreScript],
              // The restore only reads the dumps.
              volumeMounts: (container.volumeMounts ?? []).map((m) => (m.name === 'backups' ? { ...m, readOnly: true } : m)),
            },
          ],
        },
      },
    },
  };
}

export type JobOutcome = 'running' | 'succeeded' | 'failed';

export function jobOutcome(job: IJob): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (has('Failed')) return 'failed';
  if (has('Complete')) return 'succeeded';
  return 'running';
}
