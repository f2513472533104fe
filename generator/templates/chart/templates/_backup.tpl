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
The backup claim's "anchor": the always-running pod that lists the claim among its volumes, the
in-chart PostgreSQL pod, or the Squash TM pod with an external database. Two reasons. A claim of a
WaitForFirstConsumer StorageClass is bound only once a pod using it is scheduled: without a
long-running consumer it would stay Pending until the first dump, and `helm --wait`, Helm 4's
kstatus wait and Flux, which wait for claims to be Bound, would time out. And a ReadWriteOnce
volume is attached to one node at a time: every pod that mounts it (the CronJob's, the pre-upgrade
Job's, the restore Job's) is sent to the anchor's node, so none waits on a Multi-Attach error.
The anchor does not mount it: the scheduler binds (and the attach-detach controller attaches) every
claim of spec.volumes, while the kubelet mounts only the volumes a container uses.
*/}}
{{- define "squash-tm.backup.anchorComponent" -}}
{{- ternary "postgresql" "squash" .Values.postgresql.enabled }}
{{- end }}

{{/*
The anchor's volume entry, or nothing. Included in the volumes of both candidate pods; renders only
in the anchor's. Call with (dict "context" $ "component" "postgresql").
*/}}
{{- define "squash-tm.backup.anchorVolume" -}}
{{- $ := .context }}
{{- if and $.Values.backup.enabled (eq .component (include "squash-tm.backup.anchorComponent" $)) -}}
# The backup claim, mounted by no container: this pod is its always-running consumer (_backup.tpl).
- name: backups
  persistentVolumeClaim:
    claimName: {{ include "squash-tm.backup.claimName" $ }}
{{- end }}
{{- end }}

{{/*
"true" when the backup claim may be ReadWriteOnce, so that its users must share the anchor's node:
always for an existing claim (its modes are unknown here), else unless the chart's claim asks only
for ReadWriteMany or ReadOnlyMany. ReadWriteOncePod is refused (templates/_value-checks.tpl, and
squash-tm.backup.claimGuard for an existing claim): one pod only could ever use it.
*/}}
{{- define "squash-tm.backup.sharesNode" -}}
{{- $p := .Values.backup.persistence }}
{{- if or $p.existingClaim (has "ReadWriteOnce" $p.accessModes) }}true{{ end }}
{{- end }}

{{/*
Refuses an existing backup claim whose live access modes include ReadWriteOncePod (lookup: nothing
under helm template and GitOps tools, so nothing is refused there).
*/}}
{{- define "squash-tm.backup.claimGuard" -}}
{{- with .Values.backup.persistence.existingClaim }}
{{- $live := lookup "v1" "PersistentVolumeClaim" $.Release.Namespace . }}
{{- if has "ReadWriteOncePod" (dig "spec" "accessModes" list $live) }}
{{- fail (printf "backup.persistence.existingClaim: claim %s is ReadWriteOncePod, so only one pod could ever use it, while the anchor pod (PostgreSQL, or Squash TM with an external database) and every dump and restore pod must share it. Use a ReadWriteOnce (or ReadWriteMany) claim." .) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"true" when this upgrade changes the Squash TM image: the live Deployment's `squash` container runs
another image than the one rendered, or there is no such Deployment (nothing tells what the database
has seen). Asked only on a real upgrade, where lookup reads the cluster.
*/}}
{{- define "squash-tm.backup.squashImageChanges" -}}
{{- $live := lookup "apps/v1" "Deployment" .Release.Namespace (include "squash-tm.fullname" .) }}
{{- $running := "" }}
{{- range $container := dig "spec" "template" "spec" "containers" list $live }}
{{- if eq $container.name "squash" }}
{{- $running = $container.image }}
{{- end }}
{{- end }}
{{- if ne $running (printf "%s:%s" .Values.squash.image.repository .Values.squash.image.tag) }}true{{ end }}
{{- end }}

{{/*
The dump. First it waits, at most $LOGIN_WAIT_SECONDS, until the database accepts its login: the
in-chart PostgreSQL converges the role to the Secret's password within about a minute of a change,
and a server that is starting answers shortly, so a dump right after a password change or a restart
does not fail. Each file is written under a hidden ".*.partial" name, flushed to disk, then renamed;
the checksum file "<base>.sha256" is renamed last and is what marks a dump complete. A failed or
killed run therefore never leaves a complete-looking truncated dump, and retention and restore only
ever count complete ones. Names start with a UTC time stamp, so their order is their age.
Written for the kubelet, which expands $(NAME) of a defined variable in args and turns a doubled
dollar sign into one: neither appears below ($(cmd) and $((...)) name no variable and pass as they are).
*/}}
{{- define "squash-tm.backup.dumpScript" -}}
set -euo pipefail
shopt -s nullglob
umask 077
cd "$BACKUP_DIR"
# Wait until the login is accepted (the server is up and the role has the Secret's password).
deadline=$((SECONDS + LOGIN_WAIT_SECONDS))
until error="$(psql --no-psqlrc --quiet --tuples-only --command='SELECT 1' 2>&1 >/dev/null)"; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "$error"
    echo "FAIL: $PGHOST:$PGPORT did not accept the login of $PGUSER to database $PGDATABASE within $LOGIN_WAIT_SECONDS s (password from $PASSWORD_SOURCE). Is the server up, and does that key hold the role's password? The in-chart PostgreSQL applies a changed Secret within about a minute; an external server needs the change made there too."
    exit 1
  fi
  echo "Waiting for the database to accept the login: $(printf '%s' "$error" | head -n 1)"
  sleep 5
done
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
# Retention, per kind of dump: the newest $RETENTION scheduled ones and the newest
# $PRE_UPGRADE_RETENTION pre-upgrade ones are kept, and every file of that kind named before the
# oldest one kept is deleted (orphans included). Neither kind ever deletes the other, and a dump of
# any other name (a copy you put there, a reason this script does not know) is never deleted.
prune() {
  local pattern="$1" keep="$2" f
  local -a complete=()
  for f in *.sha256; do
    if [[ "${f%.sha256}" =~ $pattern ]]; then complete+=("${f%.sha256}"); fi
  done
  [ "${#complete[@]}" -gt "$keep" ] || return 0
  mapfile -t complete < <(printf '%s\n' "${complete[@]}" | LC_ALL=C sort -r)
  local oldest="${complete[$((keep - 1))]}"
  for f in [0-9]*; do
    if [[ "${f%%.*}" =~ $pattern ]] && [[ "${f%%.*}" < "$oldest" ]]; then
      echo "Retention: deleting $f"
      rm -f -- "$f"
    fi
  done
}
prune '^[0-9]{8}T[0-9]{6}Z-scheduled$' "$RETENTION"
prune '^[0-9]{8}T[0-9]{6}Z-pre-upgrade-r[0-9]+$' "$PRE_UPGRADE_RETENTION"
echo "Complete dumps kept (newest first):"
ls -1 | grep -E '^[0-9]{8}T[0-9]{6}Z-[a-z0-9-]+\.sha256$' | LC_ALL=C sort -r | sed 's/\.sha256$//'
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
  {{- $anchor := include "squash-tm.backup.anchorComponent" $ }}
  {{- /* A restore stops Squash TM first: with that anchor the volume is free, and no anchor pod is left to follow. */}}
  {{- if and (include "squash-tm.backup.sharesNode" $) (not (and $restore (eq $anchor "squash"))) }}
  # On the anchor's node (squash-tm.backup.anchorComponent): a ReadWriteOnce volume is attached to
  # one node at a time. Its tolerations too, so that node's taints admit this pod.
  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector:
            matchLabels:
              {{- include "squash-tm.selectorLabels" (dict "context" $ "component" $anchor) | nindent 14 }}
          topologyKey: kubernetes.io/hostname
  {{- with ternary $.Values.postgresql.tolerations $.Values.squash.tolerations $.Values.postgresql.enabled }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
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
        - name: PRE_UPGRADE_RETENTION
          value: {{ $.Values.backup.preUpgradeRetention | quote }}
        - name: LOGIN_WAIT_SECONDS
          value: "120"
        - name: PASSWORD_SOURCE
          value: {{ printf "key %s of Secret %s" $.Values.auth.secretKeys.password (include "squash-tm.secretName" $) | quote }}
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
