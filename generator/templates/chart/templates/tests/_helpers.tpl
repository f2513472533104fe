{{/*
What the `helm test` pods share. Each pod is a client of the release: it runs the PostgreSQL image the
chart already pulls (bash, pg_isready, psql, getent), as that image's unprivileged user 999, and
passes Pod Security "restricted".
*/}}

{{/*
Labels of a test pod: component "test", which no Deployment selects (a ReplicaSet would adopt a pod
labelled "postgresql" or "squash") and which the PostgreSQL NetworkPolicy admits.
Call with (dict "context" $ "suffix" "test-db" "weight" 1).
*/}}
{{- define "squash-tm.test.metadata" -}}
name: {{ printf "%s-%s" (include "squash-tm.fullname" .context) .suffix }}
labels:
  {{- include "squash-tm.labels" (dict "context" .context "component" "test") | nindent 2 }}
annotations:
  helm.sh/hook: test
  helm.sh/hook-weight: {{ .weight | quote }}
  # Failed pods stay for `kubectl logs`; `helm test --logs` cannot read the deleted successful ones.
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}

{{/*
Pod-level settings. activeDeadlineSeconds bounds the whole pod (image pull included), so a test that
cannot reach its target fails instead of hanging until `helm test --timeout`. The service account and
pull secrets are the Deployments' own, so the image pulls from the same (possibly private) registry.
Call with (dict "context" $ "deadline" 120).
*/}}
{{- define "squash-tm.test.podSettings" -}}
restartPolicy: Never
activeDeadlineSeconds: {{ .deadline }}
{{ include "squash-tm.pod.identity" .context }}
securityContext:
  runAsNonRoot: true
  {{- if not (include "squash-tm.omitFixedIds" .context) }}
  runAsUser: 999
  runAsGroup: 999
  {{- end }}
  seccompProfile:
    type: RuntimeDefault
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 16Mi
{{- end }}

{{/*
Container basics: the PostgreSQL image, a read-only root with /tmp writable, no privileges, and the
resources of tests.resources.
*/}}
{{- define "squash-tm.test.container" -}}
image: "{{ .Values.postgresql.image.repository }}:{{ .Values.postgresql.image.tag }}"
imagePullPolicy: {{ .Values.postgresql.image.pullPolicy }}
securityContext:
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- with .Values.tests.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end }}
