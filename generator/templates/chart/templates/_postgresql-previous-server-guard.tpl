{{/*
The PostgreSQL pod's previous-server guard, an init container: the server starts only once no other
server uses the data directory. Two postmasters in two containers are both PID 1, so postmaster.pid
does not stop the second one (docker-library/postgres#171), and both would write the same files.
Another server can be running while this pod starts when:
- the release moves from `workload: Deployment` to `StatefulSet`: `helm upgrade` creates the
  StatefulSet before it deletes the Deployment, whose pod still serves;
- with `workload: Deployment`, a pod is deleted or evicted: its ReplicaSet starts the replacement at
  once, while the old server is still stopping.
Step 1 waits while a server answers behind the release's ClusterIP Service (only Ready pods are
behind it, and this pod is not Ready yet). Step 2 waits while postmaster.pid exists, up to the grace
period of a stopping server (a server that was killed leaves the file behind: it is then stale).
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
    - name: PGDATA
      value: /var/lib/postgresql/data/pgdata
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
      waited=0
      while [ -e "$PGDATA/postmaster.pid" ] && [ "$waited" -lt "$STOP_SECONDS" ]; do
        echo "WAIT: $PGDATA/postmaster.pid exists: a server may still be stopping (${waited}s of ${STOP_SECONDS}s)."
        sleep 2
        waited=$((waited + 2))
      done
      if [ -e "$PGDATA/postmaster.pid" ]; then
        echo "PASS: $PGDATA/postmaster.pid is still there after ${STOP_SECONDS}s and no server answers: left by a server that was killed; the server removes it."
      else
        echo "PASS: no other server uses $PGDATA."
      fi
  volumeMounts:
    - name: data
      mountPath: /var/lib/postgresql/data
      readOnly: true
{{- end }}
