{{/*
One PostgreSQL server per data directory. Two postmasters in two containers are both PID 1, so
postmaster.pid does not stop the second one (docker-library/postgres#171), and both would write the
same files. Another server can be running while this pod starts when:
- the release moves from `workload: Deployment` to `StatefulSet`: `helm upgrade` creates the
  StatefulSet before it deletes the Deployment, whose pod still serves;
- with `workload: Deployment`, a pod is deleted or evicted: its ReplicaSet starts the replacement at
  once, while the old server is still stopping;
- a pod deleted by force (`--grace-period=0`) whose server still runs on its node.

The server holds a lock on the data volume for as long as it runs: its start script opens
`.server.lock` at the volume's root (outside PGDATA, which initdb wants empty) as file descriptor 9,
takes flock(2) on it and execs the image's entrypoint, which execs postgres: the descriptor survives
both execs, so postgres stays PID 1 (the image's STOPSIGNAL still reaches it) and it and its children
hold the lock. The kernel releases it when the last of them dies, however it dies (SIGKILL, OOM, a
node restart), and postmaster.pid, which a killed server leaves behind, no longer matters. flock comes
from util-linux, part of the Debian-based postgres image.
*/}}

{{/* The lock's path, for the server and the guard. */}}
{{- define "squash-tm.postgresql.serverLockEnv" -}}
- name: SERVER_LOCK
  value: /var/lib/postgresql/data/.server.lock
{{- end }}

{{/*
The server container's command: take the lock, then the image's own entrypoint and command. A short
wait covers the instant a crashed container's processes take to die before its in-place restart;
75 is flock's exit code for "held by another" (-E), anything else an error (a volume whose root this
user cannot write, a filesystem without locks): the server then starts as it did before the lock
existed, with a warning, rather than not at all.
*/}}
{{- define "squash-tm.postgresql.startThroughLock" -}}
command: [bash, -c]
args:
  - |
    exec 9>>"$SERVER_LOCK" && flock -w 5 -E 75 9
    case $? in
      0) ;;
      75)
        echo "FAIL: another PostgreSQL server holds $SERVER_LOCK: it still uses this data directory, and a second server would corrupt it. Not starting; the pod restarts this container until that server has stopped (kubectl get pods -o wide: a pod of this release on the same node)."
        exit 1
        ;;
      *) echo "WARN: cannot lock $SERVER_LOCK (error above): starting without the lock; only the previous-server guard's Service check keeps a second server away." ;;
    esac
    exec docker-entrypoint.sh postgres
{{- end }}

{{/*
The previous-server guard, an init container: the server starts only once no other server uses the
data directory. Step 1 waits while a server answers behind the release's ClusterIP Service (only
Ready pods are behind it, and this pod is not Ready yet). Step 2 waits while a server holds the
volume's lock, up to the grace period of a stopping server, and returns at once when none does.
The data volume is mounted read-only here, so the lock file is opened for reading; a volume without
one has never run a server started by this chart (the Deployment of a release made before it is
behind the Service: step 1).
*/}}
{{- define "squash-tm.postgresql.previousServerGuard" -}}
{{- $pg := .Values.postgresql -}}
- name: previous-server-guard
  image: "{{ $pg.image.repository }}:{{ $pg.image.tag }}"
  imagePullPolicy: {{ $pg.image.pullPolicy }}
  {{- include "squash-tm.securityContext" (dict "context" . "securityContext" $pg.containerSecurityContext) | nindent 2 }}
  {{- with .Values.initContainers.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  env:
    - name: SERVICE
      value: {{ printf "%s.%s.svc.%s" (include "squash-tm.postgresql.fullname" .) .Release.Namespace .Values.clusterDomain | quote }}
    - name: PORT
      value: {{ $pg.service.port | quote }}
    # pg_isready sends a user name even to ping: without one it would take the OS user's, which an
    # arbitrary UID (OpenShift) does not have.
    {{- include "squash-tm.userEnv" (dict "context" . "name" "PGUSER") | nindent 4 }}
    {{- include "squash-tm.postgresql.serverLockEnv" . | nindent 4 }}
    # The server's terminationGracePeriodSeconds and some margin.
    - name: STOP_SECONDS
      value: "70"
  command: [bash, -c]
  args:
    - |
      # pg_isready: 0 accepting, 1 rejecting (starting or stopping), 2 no response, 3 bad parameters.
      while pg_isready -q -h "$SERVICE" -p "$PORT" -U "$PGUSER" -d postgres -t 3; [ $? -le 1 ]; do
        echo "WAIT: another PostgreSQL server answers at $SERVICE:$PORT and holds the data directory; waiting for it to stop."
        sleep 3
      done
      if [ ! -e "$SERVER_LOCK" ]; then
        echo "PASS: no server of this chart has run on this volume yet ($SERVER_LOCK does not exist)."
        exit 0
      fi
      # A shared lock: it waits for the server's exclusive one, and needs no more than a read-only
      # descriptor (on NFS too, where an exclusive lock needs a writable one).
      exec 9<"$SERVER_LOCK" && flock -s -w 2 -E 75 9
      held=$?
      waited=0
      while [ "$held" -eq 75 ]; do
        waited=$((waited + 2))
        if [ "$waited" -ge "$STOP_SECONDS" ]; then
          echo "FAIL: a PostgreSQL server still holds $SERVER_LOCK after $STOP_SECONDS s: it runs on this volume outside the release's Service (a pod deleted by force whose server still runs on the node?). Stop it; this pod retries."
          exit 1
        fi
        echo "WAIT: a PostgreSQL server holds $SERVER_LOCK: it may still be stopping (${waited}s of ${STOP_SECONDS}s)."
        flock -s -w 2 -E 75 9
        held=$?
      done
      if [ "$held" -ne 0 ]; then
        echo "PASS (without the lock check): cannot lock $SERVER_LOCK (error above); no server answers for the release."
        exit 0
      fi
      echo "PASS: no other server holds $SERVER_LOCK."
  volumeMounts:
    - name: data
      mountPath: /var/lib/postgresql/data
      readOnly: true
{{- end }}
