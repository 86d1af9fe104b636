{{/*
checkov's skip annotations on a workload, each with its reason: the exceptions this
lab makes on purpose (.ci/run runs checkov over what Argo CD applies and fails on any
failed check). Every workload gets the shared ones below; "skips" adds its own
("CKV_K8S_NN=reason"). The digest exception applies only while an image has none.
Usage, under metadata.annotations:
  {{- include "olympic-common.checkovSkips" (dict "images" (list .Values.image) "skips" (list)) | trim | nindent 4 }}
*/}}
{{- define "olympic-common.checkovSkips" -}}
{{- $skips := list
  "CKV_K8S_11=No CPU limits on purpose: they throttle (CFS quota) without protecting neighbours; CPU requests and memory limits are set"
  "CKV_K8S_15=imagePullPolicy IfNotPresent: the tag is pinned and a digest can be set; Always would make every restart depend on the registry" -}}
{{- range .images }}
{{- if not .digest }}
{{- $skips = append $skips "CKV_K8S_43=No digest is known offline for this pinned tag; set image.digest to pull by digest" }}
{{- end }}
{{- end }}
{{- range $index, $skip := concat $skips .skips | uniq }}
{{ printf "checkov.io/skip%d" (add1 $index) | quote }}: {{ $skip | quote }}
{{- end }}
{{- end -}}
