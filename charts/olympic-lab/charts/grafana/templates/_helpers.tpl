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

{{/*
Name of the Secret holding the admin login: the user's, or the generated one. Fails when
neither is set (Grafana would fall back to admin/admin).
*/}}
{{- define "grafana.adminSecret" -}}
{{- $admin := .Values.admin -}}
{{- if $admin.existingSecret -}}
{{- $admin.existingSecret -}}
{{- else if $admin.generateSecret.enabled -}}
{{- $admin.generateSecret.name -}}
{{- else -}}
{{- fail "grafana.admin: set existingSecret to a Secret with the admin login, or keep generateSecret.enabled" -}}
{{- end -}}
{{- end -}}

{{/* Whether the admin-secret hook Job (and its ServiceAccount, Role, RoleBinding) renders. */}}
{{- define "grafana.generateAdminSecret" -}}
{{- if and (not .Values.admin.existingSecret) .Values.admin.generateSecret.enabled }}true{{ end -}}
{{- end -}}

{{/* Where the admin login files are mounted. */}}
{{- define "grafana.adminPath" -}}
/etc/grafana/admin
{{- end -}}
