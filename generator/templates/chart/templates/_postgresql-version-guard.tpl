{{/*
The PostgreSQL pod's major-version guard, an init container. A server refuses a data directory made by
another major version ("database files are incompatible with server") and crash-loops; this stops
first, with a message naming both versions and the way out. It runs as the server's own user, with
the server's security context, and only reads the data volume.
The image's major comes from its server binary (`postgres --version`), else from PG_MAJOR, which the
official image sets. PostgreSQL 10 and later number majors "17"; 9.x numbered them "9.6".
*/}}
{{- define "squash-tm.postgresql.versionGuard" -}}
{{- $pg := .Values.postgresql -}}
- name: major-version-guard
  image: "{{ $pg.image.repository }}:{{ $pg.image.tag }}"
  imagePullPolicy: {{ $pg.image.pullPolicy }}
  {{- include "squash-tm.securityContext" (dict "context" . "securityContext" $pg.containerSecurityContext) | nindent 2 }}
  {{- with .Values.initContainers.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  # `kubectl describe pod` shows the message as the container's termination message.
  terminationMessagePolicy: FallbackToLogsOnError
  env:
    # The server container's PGDATA.
    - name: PGDATA
      value: /var/lib/postgresql/data/pgdata
  command: [bash, -c]
  args:
    - |
      set -u
      if [ ! -e "$PGDATA/PG_VERSION" ]; then
        echo "PASS: $PGDATA holds no database yet; the server will create one."
        exit 0
      fi
      data=$(cat "$PGDATA/PG_VERSION") || { echo "FAIL: cannot read $PGDATA/PG_VERSION (error above)."; exit 1; }
      server=$(postgres --version 2>/dev/null || true)
      version=$(printf '%s\n' "$server" | sed -n 's/^postgres (PostgreSQL) \([0-9][0-9.]*\).*/\1/p')
      major=${version%%.*}
      if [ -n "$major" ] && [ "$major" -lt 10 ]; then
        minor=${version#*.}
        major="$major.${minor%%.*}"
      fi
      major=${major:-${PG_MAJOR:-}}
      if [ -z "$major" ]; then
        echo "FAIL: cannot tell which PostgreSQL major version this image runs: 'postgres --version' answered '$server' and PG_MAJOR is not set."
        exit 1
      fi
      if [ "$data" != "$major" ]; then
        echo "FAIL: the data directory $PGDATA was created by PostgreSQL $data, but this image runs PostgreSQL $major. A server cannot open another major version's data directory. Set postgresql.image.tag back to a $data.x tag, or follow the chart README (helm show readme), section \"Upgrading PostgreSQL to a new major version\" (back up, new claim, restore)."
        exit 1
      fi
      echo "PASS: $PGDATA holds a PostgreSQL $data database, the major version this image runs."
  volumeMounts:
    - name: data
      mountPath: /var/lib/postgresql/data
      readOnly: true
{{- end }}
