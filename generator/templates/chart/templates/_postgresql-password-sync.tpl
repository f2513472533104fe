{{/*
The PostgreSQL pod's `password-sync` container: the Secret is the one source of truth for the
database password. The image applies POSTGRES_PASSWORD only when it initialises an empty data
directory; afterwards this container sets the role's password to the Secret's, at its start and
whenever the file the kubelet keeps up to date from the Secret changes (a Secret volume, refreshed
live; an environment variable would be read only at start). So a new auth.password, an edited
existingSecret or generated Secret, `helm rollback`, `--rollback-on-failure` and Argo CD all end with
the role accepting what the Secret holds, whatever order things happen in, without any hook.
It logs in over the Unix socket it shares with the server (the official image trusts local
connections), else with the Secret's password, the one it applied last (kept in a memory-backed
emptyDir, which survives a restart of the container but not of the pod), or the key
auth.secretKeys.previousPassword names. Its readiness probe is green only once the role accepts the
file's current content, so the PostgreSQL Service has endpoints only then.
Never `$$` nor `$(` + the name of a variable defined below in these scripts: the kubelet expands
both in command, args and exec probes.
*/}}
{{- define "squash-tm.postgresql.passwordSync" -}}
{{- $pg := .Values.postgresql -}}
{{- $secret := include "squash-tm.secretName" . -}}
{{- $keys := .Values.auth.secretKeys -}}
- name: password-sync
  image: "{{ $pg.image.repository }}:{{ $pg.image.tag }}"
  imagePullPolicy: {{ $pg.image.pullPolicy }}
  {{- include "squash-tm.securityContext" (dict "context" . "securityContext" $pg.containerSecurityContext) | nindent 2 }}
  {{- with $pg.passwordSync.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  env:
    # The server's socket directory; the socket's name carries the port.
    - name: PGHOST
      value: /var/run/postgresql
    - name: PGPORT
      value: "5432"
    # The maintenance database, there from initdb on: the application's is created later, during the
    # first initialisation.
    - name: PGDATABASE
      value: postgres
    {{- include "squash-tm.userEnv" (dict "context" . "name" "PGUSER") | nindent 4 }}
    - name: PGCONNECT_TIMEOUT
      value: "5"
    # The database the readiness probe logs in to over TCP, as Squash TM does.
    - name: APP_DATABASE
      value: {{ .Values.auth.database | quote }}
    - name: PASSWORD_FILE
      value: /etc/password-sync/secret/password
    - name: PASSWORD_SOURCE
      value: {{ printf "Secret %s, key %s" $secret $keys.password | quote }}
    {{- if $keys.previousPassword }}
    - name: PREVIOUS_FILE
      value: /etc/password-sync/previous/password
    - name: PREVIOUS_SOURCE
      value: {{ printf "Secret %s, key %s" $secret $keys.previousPassword | quote }}
    {{- end }}
    - name: STATE_DIR
      value: /tmp
    - name: POLL_SECONDS
      value: "5"
    - name: RETRY_SECONDS
      value: "30"
  command: [bash, -c]
  args:
    - |
      set -u
      umask 077
      # PID 1 of its container: without a handler, SIGTERM would wait out the grace period.
      trap 'exit 0' TERM INT
      applied="$STATE_DIR/applied"
      say() { echo "password-sync: $*"; }
      # A file's exact bytes into $value: command substitution drops trailing newlines, the x keeps them.
      read_exact() { value=$(cat -- "$1" 2>/dev/null && echo x) || return 1; value=${value%x}; }
      # Whether a password logs in over the socket ("" sends none: a trusted connection); psql's message,
      # which never holds the password, lands in $error.
      login() {
        local status
        error=$(PGPASSWORD="$1" psql --no-password --no-psqlrc --quiet --tuples-only --command='SELECT 1' 2>&1 >/dev/null)
        status=$?
        error=${error//$'\n'/ }
        return "$status"
      }
      # ALTER ROLE with $want, logged in with $1. The password reaches the server as a psql variable,
      # read from the environment of psql alone; statement logging is off for the session where the
      # role may turn it off (the in-chart server's role is its superuser).
      change() {
      error=$(SYNC_PASSWORD="$want" PGPASSWORD="$1" psql --no-password --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --set=VERBOSITY=terse 2>&1 >/dev/null <<'SQL'
      \set new_password `printenv SYNC_PASSWORD`
      SELECT current_setting('is_superuser') AS superuser \gset
      \if :superuser
      SET log_statement = 'none';
      SET log_min_duration_statement = -1;
      SET log_min_error_statement = 'panic';
      \endif
      SET statement_timeout = '15s';
      ALTER ROLE CURRENT_USER PASSWORD :'new_password';
      SQL
      )
      }
      # Whether the role accepts a password over TCP, as Squash TM logs in (and the readiness probe).
      tcp_login() {
        local status
        error=$(PGPASSWORD="$1" psql --no-password --host=127.0.0.1 --dbname="$APP_DATABASE" --no-psqlrc --quiet --tuples-only --command='SELECT 1' 2>&1 >/dev/null)
        status=$?
        error=${error//$'\n'/ }
        return "$status"
      }
      # One attempt to give the role the password $want. 0: done; 1: failed (retried later); 2: no server yet.
      sync_role() {
        if ! pg_isready --quiet --timeout=5; then
          [ -n "$waiting" ] || say "waiting for the server on the socket in $PGHOST."
          waiting=yes
          return 2
        fi
        waiting=""
        if [ -z "$want" ]; then
          say "FAIL: $PASSWORD_SOURCE is empty; role $PGUSER keeps its password. Put the password in that key."
          return 1
        fi
        # The first login that works, in this order; each one tried is named in $tried.
        with="" pw="" tried=""
        attempt() {
          if login "$2"; then with=$1 pw=$2; return 0; fi
          tried="${tried:+$tried, }$1"
          return 1
        }
        attempt "a trusted local connection" "" || attempt "$PASSWORD_SOURCE" "$want" ||
          { read_exact "$applied" && [ -n "$value" ] && [ "$value" != "$want" ] && attempt "the password this container applied last" "$value"; } ||
          { [ -n "${PREVIOUS_FILE:-}" ] && read_exact "$PREVIOUS_FILE" && [ -n "$value" ] && attempt "$PREVIOUS_SOURCE" "$value"; }
        if [ -z "$with" ]; then
          if [ -z "${PREVIOUS_FILE:-}" ]; then
            hint="set auth.secretKeys.previousPassword to a key of that Secret, and put the password role $PGUSER has now under it"
          elif read_exact "$PREVIOUS_FILE" && [ -n "$value" ]; then
            hint="put the password role $PGUSER has now in $PREVIOUS_SOURCE"
          else
            tried="$tried ($PREVIOUS_SOURCE is missing or empty)"
            hint="put the password role $PGUSER has now in $PREVIOUS_SOURCE"
          fi
          say "FAIL: role $PGUSER refused every login over the socket in $PGHOST: $tried. Its password is unchanged and this container stays unready; tried again every ${RETRY_SECONDS}s and at once when the Secret changes. Fix: $hint (chart README, section \"Rotating the database password\"). psql: $error"
          return 1
        fi
        if ! change "$pw"; then
          say "FAIL: ALTER ROLE failed, logged in with $with; role $PGUSER keeps its password. psql: ${error//$'\n'/ }"
          return 1
        fi
        printf '%s' "$want" > "$applied.new" && mv -f -- "$applied.new" "$applied"
        say "PASS: role $PGUSER now has the password of $PASSWORD_SOURCE (logged in with $with)."
      }
      say "keeps the password of role $PGUSER equal to $PASSWORD_SOURCE, read every ${POLL_SECONDS}s."
      synced="" waiting="" failed_for="" retry_at=0 check_at=0 unreadable=""
      while :; do
        if ! read_exact "$PASSWORD_FILE"; then
          [ -n "$unreadable" ] || say "FAIL: cannot read $PASSWORD_FILE ($PASSWORD_SOURCE); role $PGUSER keeps its password."
          unreadable=yes synced=""
        else
          unreadable=""
          want=$value
          # Compared in memory: the file may be swapped between two reads of it.
          read_exact "$applied" || value=""
          [ "$want" = "$value" ] || synced=""
          # Level-triggered: a role whose password changed behind its back (a data directory restored
          # from a snapshot, a manual ALTER ROLE) gets the Secret's again.
          if [ -n "$synced" ] && [ "$SECONDS" -ge "$check_at" ]; then
            check_at=$((SECONDS + RETRY_SECONDS))
            if pg_isready --quiet --timeout=5 && ! tcp_login "$want"; then
              say "role $PGUSER no longer accepts the password of $PASSWORD_SOURCE over TCP, setting it again. psql: $error"
              synced=""
            fi
          fi
          if [ -z "$synced" ]; then
            # What the attempt depends on: a change of either Secret file retries at once.
            inputs=$want
            if [ -n "${PREVIOUS_FILE:-}" ] && read_exact "$PREVIOUS_FILE"; then inputs="$inputs/$value"; fi
            if [ "$inputs" != "$failed_for" ] || [ "$SECONDS" -ge "$retry_at" ]; then
              sync_role
              case $? in
                0) synced=yes failed_for="" check_at=$((SECONDS + RETRY_SECONDS)) ;;
                1) failed_for=$inputs retry_at=$((SECONDS + RETRY_SECONDS)) ;;
              esac
            fi
          fi
        fi
        sleep "$POLL_SECONDS" &
        wait $!
      done
  # Green only once the role has the file's current content: this container applied it, and the
  # role accepts it over TCP, where the image's rules ask for the password (as tcp_login above).
  readinessProbe:
    exec:
      command:
        - bash
        - -c
        - |
          value=$(cat -- "$PASSWORD_FILE" && echo x) || exit 1
          if ! cmp -s -- "$PASSWORD_FILE" "$STATE_DIR/applied"; then
            echo "role $PGUSER does not have the password of $PASSWORD_SOURCE yet: see the log of this container."
            exit 1
          fi
          if ! error=$(PGPASSWORD="${value%x}" psql --no-password --host=127.0.0.1 --dbname="$APP_DATABASE" --no-psqlrc --quiet --tuples-only --command='SELECT 1' 2>&1 >/dev/null); then
            echo "role $PGUSER refuses the password of $PASSWORD_SOURCE over TCP: $error"
            exit 1
          fi
    periodSeconds: 5
    timeoutSeconds: 10
    failureThreshold: 2
  volumeMounts:
    - name: run
      mountPath: /var/run/postgresql
    - name: password-sync-secret
      mountPath: /etc/password-sync/secret
      readOnly: true
    {{- if $keys.previousPassword }}
    - name: password-sync-previous
      mountPath: /etc/password-sync/previous
      readOnly: true
    {{- end }}
    - name: password-sync-tmp
      mountPath: /tmp
{{- end }}

{{/*
The volumes of the password-sync container (the socket directory `run` is the server's).
*/}}
{{- define "squash-tm.postgresql.passwordSyncVolumes" -}}
{{- $secret := include "squash-tm.secretName" . -}}
{{- $keys := .Values.auth.secretKeys -}}
# Only the password key, so nothing else of the Secret reaches the container. Not a subPath: the
# kubelet refreshes only whole Secret volumes.
- name: password-sync-secret
  secret:
    secretName: {{ $secret }}
    items:
      - key: {{ $keys.password }}
        path: password
{{- if $keys.previousPassword }}
# Optional: the key may be absent, and appear later.
- name: password-sync-previous
  secret:
    secretName: {{ $secret }}
    optional: true
    items:
      - key: {{ $keys.previousPassword }}
        path: password
{{- end }}
# The password applied last: in memory, never on the node's disk.
- name: password-sync-tmp
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- end }}
