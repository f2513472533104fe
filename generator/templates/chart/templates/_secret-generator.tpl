{{/*
The Secrets the secret-generator Job creates in the cluster, one line each:
"<name> <component> <key>=<how> ...", where <how> is alnum:<length> (random letters and digits),
base64:<bytes> (that many random bytes, base64) or literal:<text>. Empty when the chart generates
nothing: auth.existingSecret or auth.password, and squash.secrets.existingSecret or an explicit
jwtSecret/cryptoSecret, each take the Secret out of the Job's hands.
*/}}
{{- define "squash-tm.generatedSecrets" -}}
{{- $lines := list }}
{{- if not (or .Values.auth.existingSecret .Values.auth.password) }}
{{- $keys := .Values.auth.secretKeys }}
{{- $lines = append $lines (printf "%s postgresql %s=literal:%s %s=alnum:32 database=literal:%s" (include "squash-tm.secretName" .) $keys.username .Values.auth.username $keys.password .Values.auth.database) }}
{{- end }}
{{- $s := .Values.squash.secrets }}
{{- if not (or $s.existingSecret $s.jwtSecret $s.cryptoSecret) }}
{{- $lines = append $lines (printf "%s squash %s=base64:64 %s=alnum:64" (include "squash-tm.appSecretName" .) $s.secretKeys.jwt $s.secretKeys.crypto) }}
{{- end }}
{{- join "\n" $lines }}
{{- end }}

{{/*
The script of the secret-generator Job. For each line of $SECRETS: create the Secret when it does not
exist; otherwise add only the keys it lacks, never changing one it has, and mark it
helm.sh/resource-policy=keep (a Secret an earlier chart version rendered would otherwise be deleted by
the upgrade that no longer renders it). Values are written to files in a private directory and sent
with kubectl -f / --patch-file: never printed, never on a command line. A patch carries the
resourceVersion it was computed from, so a concurrent change fails it instead of being overwritten.
*/}}
{{- define "squash-tm.secretGenerator.script" -}}
set -eu
umask 077
# Byte ranges for tr, whatever the image's locale.
export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kube() { kubectl --namespace "$NAMESPACE" --request-timeout=30s "$@"; }
# kubectl's go-template for what ensure() reads: resourceVersion, key names and " @<resource-policy>",
# never a value. Written with [[ ]] and translated, so that the manifest holds no template braces.
state_template=$(printf '%s' '[[.metadata.resourceVersion]][[range $k, $v := .data]] [[$k]][[end]][[range $k, $v := .metadata.annotations]][[if eq $k "helm.sh/resource-policy"]] @[[$v]][[end]][[end]]' | tr '\133\135' '\173\175')
random_alnum() {
  local out=""
  while [ "${#out}" -lt "$1" ]; do
    out="$out$(head -c 96 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${out:0:$1}"
}
# The Secret data (base64) of a new value made as $1 says.
new_data() {
  case "$1" in
    alnum:*) random_alnum "${1#alnum:}" | base64 -w0 ;;
    base64:*) head -c "${1#base64:}" /dev/urandom | base64 -w0 | base64 -w0 ;;
    literal:*) printf '%s' "${1#literal:}" | base64 -w0 ;;
    *) echo "unknown generator $1" >&2; return 1 ;;
  esac
}
ensure() {
  local name=$1 component=$2 state version spec key data="" added=""
  shift 2
  state=$(kube get secret "$name" --ignore-not-found -o go-template="$state_template")
  if [ -z "$state" ]; then
    for spec in "$@"; do
      key=${spec%%=*}
      data="$data${data:+,}\"$key\":\"$(new_data "${spec#*=}")\""
      added="$added $key"
    done
    printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","labels":%s,"annotations":%s},"data":{%s}}' \
      "$name" "${LABELS%\}},\"app.kubernetes.io/component\":\"$component\"}" "$ANNOTATIONS" "$data" >"$work/$name.json"
    # No client-side schema download: the API server checks the object anyway.
    kube create --validate=false --filename="$work/$name.json" --output=name >/dev/null
    echo "Created Secret $name with keys:$added."
    return
  fi
  version=${state%% *}
  for spec in "$@"; do
    key=${spec%%=*}
    case " $state " in
      *" $key "*) ;;
      *)
        data="$data${data:+,}\"$key\":\"$(new_data "${spec#*=}")\""
        added="$added $key"
        ;;
    esac
  done
  if [ -z "$added" ] && [[ " $state " == *" @keep "* ]]; then
    echo "Secret $name exists with every key: unchanged."
    return
  fi
  printf '{"metadata":{"resourceVersion":"%s","annotations":{"helm.sh/resource-policy":"keep"}},"data":{%s}}' "$version" "$data" >"$work/$name.patch.json"
  kube patch secret "$name" --type=merge --patch-file="$work/$name.patch.json" --output=name >/dev/null
  if [ -n "$added" ]; then
    echo "Secret $name exists: added the missing keys:$added; marked helm.sh/resource-policy=keep."
  else
    echo "Secret $name exists with every key: marked helm.sh/resource-policy=keep."
  fi
}
while read -r line; do
  if [ -n "$line" ]; then ensure $line; fi
done <<<"$SECRETS"
echo "PASS: every generated Secret exists."
{{- end }}
