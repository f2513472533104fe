{{/*
The `wait-for-database` init container of Squash TM. Squash TM gives up when its database is not
there at start: this container holds it back until Squash TM's own credentials log in (a server that
answers is not enough: after a password change the role converges a little later), then releases a
Liquibase lock left by a start that was killed mid-migration (the startup probe, an eviction, a
rollback), which would otherwise make every later start wait on it and be killed again.

The lock is released only when it is older than the startup budget plus grace: no start that is
still running can hold it that long (the startup probe kills Squash TM after
squash.startupTimeoutSeconds), and `Recreate` means no other Squash TM pod of the release runs while
this one starts. Liquibase writes lockgranted in the JVM's local time, so the session runs in Squash
TM's time zone (PGTZ). The password reaches psql from the Secret through PGPASSWORD, never on a
command line, and is never printed. Call with the root context.
*/}}
{{- define "squash-tm.squash.waitForDatabase" -}}
- name: wait-for-database
  image: "{{ .Values.postgresql.image.repository }}:{{ .Values.postgresql.image.tag }}"
  imagePullPolicy: {{ .Values.postgresql.image.pullPolicy }}
  command: [bash, -c]
  args:
    - |
      set -u
      psql_q() { psql --no-psqlrc --set=ON_ERROR_STOP=1 --tuples-only --no-align --quiet "$@"; }
      echo "waiting until $PGUSER can log in to database $PGDATABASE at $PGHOST:$PGPORT"
      last=""
      while :; do
        if ! pg_isready -U "$PGUSER" -t 2 >/dev/null 2>&1; then
          reason="the server does not accept connections yet"
        elif answer=$(psql_q --command='SELECT 1' 2>&1) && [ "$answer" = 1 ]; then
          break
        else
          reason="login refused: $(printf '%s' "$answer" | head -n 1)"
        fi
        if [ "$reason" != "$last" ]; then echo "waiting: $reason"; last=$reason; fi
        sleep 2
      done
      echo "login accepted: $PGUSER on $PGDATABASE"
      if ! exists=$(psql_q --command="SELECT to_regclass('databasechangeloglock') IS NOT NULL" 2>&1); then
        echo "WARNING: could not look for the Liquibase lock: $exists"
        exit 0
      fi
      if [ "$exists" != t ]; then
        echo "Liquibase lock: no databasechangeloglock table yet (first start)"
        exit 0
      fi
      # One transaction: the stale lock is released and reported, a recent one only reported.
      if ! report=$(psql_q --field-separator='|' --set=max_age="$LOCK_MAX_AGE_SECONDS" 2>&1 <<'SQL'
      WITH stale AS (
        SELECT id, lockgranted, lockedby FROM databasechangeloglock
        WHERE locked AND lockgranted < localtimestamp - make_interval(secs => :max_age)
        FOR UPDATE
      ), released AS (
        UPDATE databasechangeloglock AS l SET locked = false, lockgranted = NULL, lockedby = NULL
        FROM stale WHERE l.id = stale.id
        RETURNING stale.lockgranted, stale.lockedby
      )
      SELECT 'released', coalesce(lockgranted::text, '?'), coalesce(lockedby, '?') FROM released
      UNION ALL
      SELECT 'kept', coalesce(lockgranted::text, '?'), coalesce(lockedby, '?') FROM databasechangeloglock
      WHERE locked AND id NOT IN (SELECT id FROM stale);
      SQL
      ); then
        echo "WARNING: could not check the Liquibase lock: $report"
        exit 0
      fi
      if [ -z "$report" ]; then
        echo "Liquibase lock: free"
      fi
      printf '%s\n' "$report" | while IFS='|' read -r what granted by; do
        [ -n "$what" ] || continue
        if [ "$what" = released ]; then
          echo "Liquibase lock: released a stale lock granted at $granted to $by (older than $LOCK_MAX_AGE_SECONDS s: no running start can hold it)"
        else
          echo "Liquibase lock: kept the lock granted at $granted to $by (younger than $LOCK_MAX_AGE_SECONDS s); Squash TM waits for it"
        fi
      done
  env:
    - name: PGHOST
      value: {{ include "squash-tm.database.host" . | quote }}
    - name: PGPORT
      value: {{ include "squash-tm.database.port" . | quote }}
    - name: PGDATABASE
      value: {{ .Values.auth.database | quote }}
    {{- include "squash-tm.credentialEnv" (dict "context" . "user" "PGUSER" "password" "PGPASSWORD") | nindent 4 }}
    - name: PGCONNECT_TIMEOUT
      value: "5"
    - name: PGTZ
      value: {{ .Values.squash.timezone | default "UTC" | quote }}
    - name: LOCK_MAX_AGE_SECONDS
      value: {{ add .Values.squash.startupTimeoutSeconds 300 | quote }}
  securityContext:
    {{- if not (include "squash-tm.omitFixedIds" .) }}
    runAsUser: 999
    runAsGroup: 999
    {{- end }}
    runAsNonRoot: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: [ALL]
  {{- with .Values.initContainers.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
