{{/*
What the PostgreSQL and Squash TM pods share. `values` is the component's own block of values
(.Values.postgresql or .Values.squash); `context` is the chart's root context.
*/}}

{{/*
What every pod of the chart that does not call the Kubernetes API sets: no API token, no service
links (they would inject variables such as <SERVICE>_PORT=tcp://... that clash with the images' own
settings, POSTGRES_PORT; nothing here reads them), the release's ServiceAccount and pull secrets.
Call with the root context.
*/}}
{{- define "squash-tm.pod.identity" -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with include "squash-tm.serviceAccountName" . }}
serviceAccountName: {{ . }}
{{- end }}
{{- include "squash-tm.imagePullSecrets" . }}
{{- end }}

{{/*
The release's image pull secrets, or nothing. Call with the root context.
*/}}
{{- define "squash-tm.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Pod-level settings. Call with (dict "context" $ "values" .Values.postgresql).
*/}}
{{- define "squash-tm.pod.settings" -}}
{{ include "squash-tm.pod.identity" .context }}
{{- include "squash-tm.securityContext" (dict "context" .context "securityContext" .values.podSecurityContext) }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
"true" when the pods' fixed UIDs, GIDs and fsGroup are left out: openshift.fixedIds is omit, or auto
on a cluster that serves security.openshift.io/v1 (OpenShift's restricted-v2 SCC rejects them and
assigns a UID from the namespace's range). Empty otherwise.
*/}}
{{- define "squash-tm.omitFixedIds" -}}
{{- $mode := .Values.openshift.fixedIds }}
{{- if or (eq $mode "omit") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "security.openshift.io/v1")) }}true{{ end }}
{{- end }}

{{/*
A `securityContext:` block, without runAsUser, runAsGroup and fsGroup when they are left out (see
squash-tm.omitFixedIds); nothing when empty. Call with (dict "context" $ "securityContext" ...).
*/}}
{{- define "squash-tm.securityContext" -}}
{{- if include "squash-tm.omitFixedIds" .context }}
{{- with omit (.securityContext | default dict) "runAsUser" "runAsGroup" "fsGroup" }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- else }}
{{- with .securityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The database user name, from the credentials Secret, as an environment variable: pg_isready and psql
send the OS user's name when given none, and an arbitrary UID (OpenShift) has no name, so libpq
gives up before connecting. Call with (dict "context" $ "name" "PGUSER").
*/}}
{{- define "squash-tm.userEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "squash-tm.secretName" .context }}
      key: {{ .context.Values.auth.secretKeys.username }}
{{- end }}

{{/*
A main container's image, security context and resources.
Call with (dict "context" $ "values" .Values.squash).
*/}}
{{- define "squash-tm.container.basics" -}}
image: "{{ .values.image.repository }}:{{ .values.image.tag }}"
imagePullPolicy: {{ .values.image.pullPolicy }}
{{- include "squash-tm.securityContext" (dict "context" .context "securityContext" .values.containerSecurityContext) }}
{{- with .values.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The database user and password, read from the credentials Secret into two environment variables.
Call with (dict "context" $ "user" "PGUSER" "password" "PGPASSWORD").
*/}}
{{- define "squash-tm.credentialEnv" -}}
- name: {{ .user }}
  valueFrom:
    secretKeyRef:
      name: {{ include "squash-tm.secretName" .context }}
      key: {{ .context.Values.auth.secretKeys.username }}
- name: {{ .password }}
  valueFrom:
    secretKeyRef:
      name: {{ include "squash-tm.secretName" .context }}
      key: {{ .context.Values.auth.secretKeys.password }}
{{- end }}
