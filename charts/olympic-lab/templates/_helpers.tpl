{{/*
Every component resource belongs to a component subchart under charts/; the umbrella
chart renders only what spans them: the default-deny NetworkPolicies of the lab's
namespaces (and Istio's pods' flows in istio-system). Shared settings travel in
.Values.global.
*/}}
{{- define "olympic-lab.name" -}}
{{- .Chart.Name -}}
{{- end -}}
