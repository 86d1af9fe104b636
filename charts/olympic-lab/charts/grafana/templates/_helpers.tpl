{{/*
Fixed name of every Grafana resource (the addon's names: Kiali links to grafana:3000).
*/}}
{{- define "grafana.name" -}}
grafana
{{- end -}}

{{/*
Labels of Grafana resources.
*/}}
{{- define "grafana.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" (include "grafana.name" .)) }}
{{- end -}}

{{/*
Selector labels (stable across upgrades).
*/}}
{{- define "grafana.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" (include "grafana.name" .)) }}
{{- end -}}

{{/*
Name of the ConfigMap holding the lab dashboards.
*/}}
{{- define "grafana.dashboardsConfigMap" -}}
grafana-dashboards-olympic-lab
{{- end -}}

{{/*
Folder the dashboard ConfigMap is mounted at (read by the file provider).
*/}}
{{- define "grafana.dashboardsPath" -}}
/etc/grafana/dashboards/olympic-lab
{{- end -}}
