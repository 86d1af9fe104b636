{{/*
Standard labels of a component resource.
Usage: {{ include "olympic-common.labels" (dict "ctx" . "name" "grafana") }}
The optional "version" key sets app.kubernetes.io/version (default: the chart's appVersion).
*/}}
{{- define "olympic-common.labels" -}}
{{ include "olympic-common.selectorLabels" . }}
app.kubernetes.io/part-of: olympic-lab
app.kubernetes.io/managed-by: {{ .ctx.Release.Service | quote }}
{{- $version := default .ctx.Chart.AppVersion .version }}
{{- if $version }}
app.kubernetes.io/version: {{ $version | quote }}
{{- end }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
{{- end -}}

{{/*
Selector labels: stable across upgrades (never a version or chart label).
Usage: {{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "grafana") }}
*/}}
{{- define "olympic-common.selectorLabels" -}}
app.kubernetes.io/name: {{ .name | quote }}
app.kubernetes.io/instance: {{ .ctx.Release.Name | quote }}
{{- end -}}

{{/*
Namespace of the observability components.
Usage: namespace: {{ include "olympic-common.observabilityNamespace" . }}
*/}}
{{- define "olympic-common.observabilityNamespace" -}}
{{- .Values.global.observabilityNamespace | default "istio-system" -}}
{{- end -}}

{{/*
An image reference from an image values block: repository:tag, and @digest when a
digest is set (the digest then decides what runs; the tag stays for people).
Usage: image: {{ include "olympic-common.image" .Values.image | quote }}
*/}}
{{- define "olympic-common.image" -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- with .digest }}@{{ . }}{{ end -}}
{{- end -}}
