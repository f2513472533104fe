{{/*
The restore, one script for both ways of running it: `npm run restore` and the kubectl-only
procedure of the chart README both create a Job from the restore CronJob, whose pod is the backup
pod (squash-tm.backup.podTemplate with "restore") running this script.
*/}}

{{/* The restore CronJob's name: at most 52 characters, like the backup CronJob's. */}}
{{- define "squash-tm.restore.fullname" -}}
{{- printf "%s-restore" (include "squash-tm.fullname" . | trunc 44 | trimSuffix "-") }}
{{- end }}

{{/*
Checks the dump named by DUMP (or "latest", the newest complete one) against its checksum file, then
restores it in one transaction: any error rolls the whole restore back and leaves the database as it
was. `--clean --if-exists` drops each object of the dump before recreating it; `--no-owner` makes the
connecting user own what it creates, so a dump restores into a release whose user has another name.
DUMP is checked here too: the kubectl-only procedure sets it by hand.
*/}}
{{- define "squash-tm.restore.script" -}}
set -euo pipefail
cd "$BACKUP_DIR"
complete() { ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+\.sha256$' | sort -r | sed 's/\.sha256$//'; }
name="${DUMP:-}"
name="${name%.dump}"
name="${name%.sha256}"
if [ -z "$name" ]; then
  echo "FAIL: DUMP is empty: set it to a dump's name or to latest (see the chart README, Backup and restore). Complete dumps, newest first:"
  complete
  exit 1
fi
if [ "$name" = latest ]; then
  name="$(complete | head -n 1)"
  if [ -z "$name" ]; then
    echo "FAIL: no complete dump in $BACKUP_DIR"
    exit 1
  fi
elif ! [[ "$name" =~ ^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+$ ]]; then
  echo "FAIL: DUMP=$name is not a dump name: expected latest or <UTC stamp>-<reason>, e.g. 20261129T030000Z-scheduled"
  exit 1
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
{{- end }}
