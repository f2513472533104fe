{{/*
What the PostgreSQL and Squash TM pods share. `values` is the component's own block of values
(.Values.postgresql or .Values.squash); `context` is the chart's root context.
*/}}

{{/*
Pod-level settings. Call with (dict "context" $ "values" .Values.postgresql).
*/}}
{{- define "squash-tm.pod.settings" -}}
automountServiceAccountToken: false
# Service links would inject variables such as <SERVICE>_PORT=tcp://... that clash with the
# images' own settings (POSTGRES_PORT); nothing here reads them.
enableServiceLinks: false
{{- with include "squash-tm.serviceAccountName" .context }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .context.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- with .values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
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
A main container's image, security context and resources. Call with (dict "values" .Values.squash).
*/}}
{{- define "squash-tm.container.basics" -}}
image: "{{ .values.image.repository }}:{{ .values.image.tag }}"
imagePullPolicy: {{ .values.image.pullPolicy }}
{{- with .values.containerSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
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
