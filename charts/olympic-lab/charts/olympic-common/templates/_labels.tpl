{{/*
Standard labels of a component resource.
Usage: {{ include "olympic-common.labels" (dict "ctx" . "name" "grafana") }}
The optional "version" key sets app.kubernetes.io/version (default: the chart's appVersion).
*/}}
{{- define "olympic-common.labels" -}}
{{ include "olympic-common.selectorLabels" . }}
app.kubernetes.io/part-of: olympic-lab
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- $version := default .ctx.Chart.AppVersion .version }}
{{- if $version }}
app.kubernetes.io/version: {{ $version | quote }}
{{- end }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/*
Selector labels: stable across upgrades (never a version or chart label).
Usage: {{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "grafana") }}
*/}}
{{- define "olympic-common.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{/*
Namespace of the observability components.
Usage: namespace: {{ include "olympic-common.observabilityNamespace" . }}
*/}}
{{- define "olympic-common.observabilityNamespace" -}}
{{- .Values.global.observabilityNamespace | default "istio-system" -}}
{{- end -}}
