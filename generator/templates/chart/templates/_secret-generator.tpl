{{/*
The Secrets the secret-generator Job creates in the cluster, one line each:
"<name> <labels> <key>=<how> ...", where <labels> is the Secret's labels as JSON (no space: label keys and
values cannot hold one) and <how> is alnum:<length> (random letters and digits), base64:<bytes> (that many
random bytes, base64) or literal:<text>. Empty when the chart generates nothing: auth.existingSecret or
auth.password, and squash.secrets.existingSecret or an explicit jwtSecret/cryptoSecret, each take the
Secret out of the Job's hands.
*/}}
{{- define "squash-tm.generatedSecrets" -}}
{{- $lines := list }}
{{- if not (or .Values.auth.existingSecret .Values.auth.password) }}
{{- $keys := .Values.auth.secretKeys }}
{{- $lines = append $lines (printf "%s %s %s=literal:%s %s=alnum:32 database=literal:%s" (include "squash-tm.secretName" .) (include "squash-tm.secretGenerator.labels" (dict "context" . "component" "postgresql")) $keys.username .Values.auth.username $keys.password .Values.auth.database) }}
{{- end }}
{{- $s := .Values.squash.secrets }}
{{- if not (or $s.existingSecret $s.jwtSecret $s.cryptoSecret) }}
{{- $lines = append $lines (printf "%s %s %s=base64:64 %s=alnum:64" (include "squash-tm.appSecretName" .) (include "squash-tm.secretGenerator.labels" (dict "context" . "component" "squash")) $s.secretKeys.jwt $s.secretKeys.crypto) }}
{{- end }}
{{- join "\n" $lines }}
{{- end }}

{{/*
The labels the Job writes on a Secret, as JSON: those the chart renders on it that never change with the
chart version (no helm.sh/chart, no app.kubernetes.io/version), and managed-by, without which Helm would
refuse to adopt it. Call with (dict "context" $ "component" "postgresql").
*/}}
{{- define "squash-tm.secretGenerator.labels" -}}
{{- merge (dict "app.kubernetes.io/managed-by" .context.Release.Service) (include "squash-tm.podLabels" . | fromYaml) | toJson }}
{{- end }}

{{/*
The script of the secret-generator Job. For each line of $SECRETS: create the Secret when it does not
exist; otherwise add only the keys it lacks, never changing one it has, and mark it
helm.sh/resource-policy=keep (a Secret an earlier chart version rendered would otherwise be deleted by
the upgrade that no longer renders it).
Every write is a server-side apply as field manager "helm", Helm's own: when a value later becomes
explicit, Helm 4 applies the Secret the chart renders as the same manager, which never conflicts with
itself. An apply owns exactly what it sends and removes what the same manager sent before and no longer
sends, so the Job always applies the whole Secret: every key it has, with its value, plus the missing
ones. Entries of managedFields written by an update (kubectl create and patch: this Job in chart 0.2.0;
Helm 3; kubectl edit) protect nothing for their writer, since an update always wins, but would make
Helm 4's apply conflict on each field they own: the Job removes them, once its own apply owns the fields.
Values are written to files in a private directory and sent with kubectl -f / --patch-file: never
printed, never on a command line. Each write to an existing Secret carries the resourceVersion it was
computed from, and a creation is not forced, so a concurrent change fails it instead of being
overwritten.
*/}}
{{- define "squash-tm.secretGenerator.script" -}}
set -euf
umask 077
# Byte ranges for tr, whatever the image's locale.
export LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kube() { kubectl --namespace "$NAMESPACE" --request-timeout=30s "$@"; }
# No client-side schema download: the API server checks the object anyway.
apply() { kube apply --server-side --field-manager=helm --validate=false "$@"; }
# kubectl go-templates, written with [[ ]] and translated, so that the manifest holds no template braces.
braces() { printf '%s' "$1" | tr '\133\135' '\173\175'; }
# " ~<index>:<operation>:<manager>" for each entry of managedFields.
owners='[[range $i, $m := .metadata.managedFields]] ~[[$i]]:[[$m.operation]]:[[$m.manager]][[end]]'
# What ensure() reads of a Secret, in one GET (one resourceVersion), into a private file. Line 1: the
# resourceVersion, the key names, " @<resource-policy>" and the owners; line 2: the type; line 3: the data
# as JSON members, the only line with values, which the script never reads into a variable.
state_template=$(braces '[[.metadata.resourceVersion]][[range $k, $v := .data]] [[$k]][[end]][[range $k, $v := .metadata.annotations]][[if eq $k "helm.sh/resource-policy"]] @[[$v]][[end]][[end]]'"$owners"'
[[or .type "Opaque"]]
[[$sep := ""]][[range $k, $v := .data]][[$sep]]"[[$k]]":"[[$v]]"[[$sep = ","]][[end]]')
owners_template=$(braces "[[.metadata.resourceVersion]]$owners")
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
# The managedFields entries an update wrote, in $1 (owners as the templates print them): sets $updaters
# (their managers) and $removals (JSON patch operations removing them, the last index first).
updates_in() {
  local entry index
  updaters="" removals=""
  for entry in $1; do
    case "$entry" in
      "~"*:Update:*)
        index=${entry#\~}
        index=${index%%:*}
        removals="{\"op\":\"remove\",\"path\":\"/metadata/managedFields/$index\"}${removals:+,}$removals"
        updaters="$updaters${updaters:+, }${entry#\~*:Update:}"
        ;;
    esac
  done
}
ensure() {
  local name=$1 labels=$2 live="$work/$1.live" object="$work/$1.json" state="" type="" version word spec key
  local data="" added="" has_keys="" after message
  shift 2
  kube get secret "$name" --ignore-not-found -o go-template="$state_template" >"$live"
  { read -r state && read -r type; } <"$live" || true
  if [ -z "$state" ]; then
    for spec in "$@"; do
      key=${spec%%=*}
      data="$data${data:+,}\"$key\":\"$(new_data "${spec#*=}")\""
      added="$added $key"
    done
    printf '{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","labels":%s,"annotations":%s},"data":{%s}}' \
      "$name" "$labels" "$ANNOTATIONS" "$data" >"$object"
    # Not forced: a Secret another writer created in the meantime holds other values, so the apply conflicts
    # (and the Job's retry finds that Secret) instead of replacing them.
    apply --filename="$object" --output=name >/dev/null
    echo "Created Secret $name with keys:$added."
    return
  fi
  version=${state%% *}
  for word in ${state#"$version"}; do
    case "$word" in
      "@"* | "~"*) ;;
      *) has_keys=yes ;;
    esac
  done
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
  updates_in "$state"
  if [ -z "$added" ] && [ -z "$updaters" ] && [[ " $state " == *" @keep "* ]]; then
    echo "Secret $name exists with every key: unchanged."
    return
  fi
  {
    printf '{"apiVersion":"v1","kind":"Secret","type":"%s","metadata":{"name":"%s","resourceVersion":"%s","labels":%s,"annotations":%s},"data":{' \
      "$type" "$name" "$version" "$labels" "$ANNOTATIONS"
    if [ -n "$has_keys" ]; then tail -n 1 "$live"; fi
    printf '%s%s}}' "${has_keys:+${data:+,}}" "$data"
  } >"$object"
  # Forced, to take over the Job's labels and annotations from an update's entry (another value of tier or
  # keep, say). It changes no value of the data: every key goes with the value read at this resourceVersion.
  after=$(apply --force-conflicts --filename="$object" --output=go-template="$owners_template")
  updates_in "$after"
  if [ -n "$removals" ]; then
    printf '[{"op":"test","path":"/metadata/resourceVersion","value":"%s"},%s]' "${after%% *}" "$removals" >"$work/$name.owners.json"
    kube patch secret "$name" --type=json --patch-file="$work/$name.owners.json" --output=name >/dev/null
  fi
  if [ -n "$added" ]; then
    message="Secret $name exists: added the missing keys:$added; marked helm.sh/resource-policy=keep."
  else
    message="Secret $name exists with every key: marked helm.sh/resource-policy=keep."
  fi
  if [ -n "$updaters" ]; then
    message="$message Field manager helm now owns what $updaters had written: Helm adopts it without a conflict."
  fi
  echo "$message"
}
while read -r line; do
  if [ -n "$line" ]; then ensure $line; fi
done <<<"$SECRETS"
echo "PASS: every generated Secret exists."
{{- end }}
