{{/*
What the backup CronJob and the pre-upgrade dump Job share: one pod, one script. The pod is a client
of the database Squash TM uses (the in-chart PostgreSQL, the alias, or the external server), with
Squash TM's credentials, running the chart's PostgreSQL image as its unprivileged user 999.
*/}}

{{/* The CronJob's name: at most 52 characters, because the controller appends an 11-character suffix. */}}
{{- define "squash-tm.backup.fullname" -}}
{{- printf "%s-backup" (include "squash-tm.fullname" . | trunc 45 | trimSuffix "-") }}
{{- end }}

{{- define "squash-tm.backup.claimName" -}}
{{- .Values.backup.persistence.existingClaim | default (printf "%s-backup" (include "squash-tm.fullname" .)) }}
{{- end }}

{{/*
The dump. Each file is written under a hidden ".*.partial" name, flushed to disk, then renamed; the
checksum file "<base>.sha256" is renamed last and is what marks a dump complete. A failed or killed
run therefore never leaves a complete-looking truncated dump, and retention and restore only ever
count complete ones. Names start with a UTC time stamp, so their order is their age.
*/}}
{{- define "squash-tm.backup.dumpScript" -}}
set -euo pipefail
shopt -s nullglob
umask 077
cd "$BACKUP_DIR"
base="$(date -u +%Y%m%dT%H%M%SZ)-$REASON"
# Leftovers of a run that was killed (out of memory, node lost): partial files older than a day.
find . -maxdepth 1 -name '.*.partial' -mmin +1440 -delete
trap 'rm -f -- ".$base".*.partial' EXIT
echo "Dumping database $PGDATABASE at $PGHOST:$PGPORT as $PGUSER into $BACKUP_DIR/$base.dump"
pg_dump --format=custom --file=".$base.dump.partial"
files=("$base.dump")
if [ "$ROLES" = true ]; then
  pg_dumpall --roles-only --no-role-passwords --database="$PGDATABASE" --file=".$base.roles.sql.partial"
  files+=("$base.roles.sql")
fi
for f in "${files[@]}"; do
  printf '%s  %s\n' "$(sha256sum < ".$f.partial" | cut -d' ' -f1)" "$f"
done > ".$base.sha256.partial"
sync -- ".$base".*.partial
for f in "${files[@]}"; do mv -- ".$f.partial" "$f"; done
mv -- ".$base.sha256.partial" "$base.sha256"
sync .
echo "Complete: $base.dump ($(du -h "$base.dump" | cut -f1)), checksums in $base.sha256"
# Retention: keep the newest $RETENTION complete dumps; delete every file named before the oldest kept.
mapfile -t complete < <(ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+\.sha256$' | sort -r)
if [ "${#complete[@]}" -gt "$RETENTION" ]; then
  oldest="${complete[$((RETENTION - 1))]%.sha256}"
  for f in [0-9]*; do
    if [[ "${f%%.*}" < "$oldest" ]]; then
      echo "Retention: deleting $f"
      rm -f -- "$f"
    fi
  done
fi
echo "Complete dumps kept (newest first):"
ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+\.sha256$' | sort -r | sed 's/\.sha256$//'
{{- end }}

{{/*
The pod template. Call with (dict "context" $ "reason" "scheduled") for a dump, or with
(dict "context" $ "restore" true) for the restore CronJob (_restore.tpl): the same pod, with the
restore script, the dumps mounted read-only and DUMP instead of the dump's settings.
*/}}
{{- define "squash-tm.backup.podTemplate" -}}
{{- $ := .context -}}
{{- $restore := .restore | default false -}}
metadata:
  labels:
    {{- include "squash-tm.podLabels" (dict "context" $ "component" "backup") | nindent 4 }}
spec:
  restartPolicy: Never
  {{- include "squash-tm.pod.identity" $ | nindent 2 }}
  # fsGroup makes a provisioned claim writable by UID 999; OnRootMismatch spares a walk of every dump.
  securityContext:
    runAsNonRoot: true
    {{- if not (include "squash-tm.omitFixedIds" $) }}
    runAsUser: 999
    runAsGroup: 999
    fsGroup: 999
    {{- end }}
    fsGroupChangePolicy: OnRootMismatch
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ ternary "restore" "dump" $restore }}
      image: "{{ $.Values.postgresql.image.repository }}:{{ $.Values.postgresql.image.tag }}"
      imagePullPolicy: {{ $.Values.postgresql.image.pullPolicy }}
      securityContext:
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
      {{- with $.Values.backup.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      env:
        - name: PGHOST
          value: {{ include "squash-tm.database.host" $ | quote }}
        - name: PGPORT
          value: {{ include "squash-tm.database.port" $ | quote }}
        - name: PGDATABASE
          value: {{ $.Values.auth.database | quote }}
        - name: PGUSER
          valueFrom:
            secretKeyRef:
              name: {{ include "squash-tm.secretName" $ }}
              key: {{ $.Values.auth.secretKeys.username }}
        - name: PGPASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "squash-tm.secretName" $ }}
              key: {{ $.Values.auth.secretKeys.password }}
        - name: PGCONNECT_TIMEOUT
          value: "10"
        - name: BACKUP_DIR
          value: /backups
        {{- if $restore }}
        # Set on each restore Job: a dump's name, or latest.
        - name: DUMP
          value: ""
        {{- else }}
        - name: REASON
          value: {{ .reason | quote }}
        - name: RETENTION
          value: {{ $.Values.backup.retention | quote }}
        - name: ROLES
          value: {{ $.Values.backup.roles | quote }}
        {{- end }}
      command: [bash, -c]
      args:
        - |
          {{- include (ternary "squash-tm.restore.script" "squash-tm.backup.dumpScript" $restore) $ | nindent 10 }}
      volumeMounts:
        - name: backups
          mountPath: /backups
          {{- if $restore }}
          readOnly: true
          {{- end }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: backups
      persistentVolumeClaim:
        claimName: {{ include "squash-tm.backup.claimName" $ }}
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
{{- end }}
