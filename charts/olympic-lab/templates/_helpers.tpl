{{/*
The umbrella chart has no resources of its own: every resource belongs to a
component subchart under charts/. Shared settings travel in .Values.global.
*/}}
{{- define "olympic-lab.name" -}}
{{- .Chart.Name -}}
{{- end -}}
