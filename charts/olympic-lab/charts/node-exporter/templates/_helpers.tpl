{{/*
Fixed name of every node-exporter resource (the hands-on's node-exporter-handson).
*/}}
{{- define "node-exporter.name" -}}
node-exporter
{{- end -}}

{{/*
Labels of node-exporter resources.
*/}}
{{- define "node-exporter.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" (include "node-exporter.name" .)) }}
{{- end -}}

{{/*
Selector labels (stable across upgrades).
*/}}
{{- define "node-exporter.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" (include "node-exporter.name" .)) }}
{{- end -}}
