{{/*
A pre-install/pre-upgrade hook Job that creates a Secret in its own namespace with a
random value under one key (made in the cluster: nothing random is rendered, nothing
secret is committed) and, optionally, a fixed value under another key. An existing
Secret is kept. The Job's ServiceAccount may only create Secrets in this namespace
(olympic-common.secretJobRBAC).
Usage:
  {{ include "olympic-common.secretJob" (dict "ctx" . "name" "kiali-signing-key"
     "secretName" "kiali-signing-key" "randomKey" "value.txt" "randomBytes" 16
     "fixedKey" "" "fixedValue" "" "image" .Values.x.image "component" "kiali") }}
*/}}
{{- define "olympic-common.secretJob" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name | quote }}
  namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .component) | nindent 4 }}
  annotations:
    {{- include "olympic-common.secretJobHook" "-5" | nindent 4 }}
    {{- include "olympic-common.checkovSkips" (dict "images" (list .image) "skips" (list "CKV_K8S_38=The Job creates one Secret through the Kubernetes API with its token (a Role allowing only that)")) | trim | nindent 4 }}
spec:
  backoffLimit: 4
  ttlSecondsAfterFinished: 600
  template:
    metadata:
      labels:
        {{- /* Not a component's selector labels: no Service selects this pod. */}}
        {{- include "olympic-common.selectorLabels" (dict "ctx" .ctx "name" .name) | nindent 8 }}
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      serviceAccountName: {{ .name | quote }}
      restartPolicy: OnFailure
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        runAsGroup: 65534
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: create-secret
          image: {{ include "olympic-common.image" .image | quote }}
          imagePullPolicy: IfNotPresent
          env:
            - name: SECRET_NAME
              value: {{ .secretName | quote }}
            - name: SECRET_KEY
              value: {{ .randomKey | quote }}
            - name: RANDOM_BYTES
              value: {{ .randomBytes | int | toString | quote }}
            {{- with .fixedKey }}
            - name: FIXED_KEY
              value: {{ . | quote }}
            - name: FIXED_VALUE
              value: {{ $.fixedValue | quote }}
            {{- end }}
            - name: NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
          command: ["python3", "-c"]
          args:
            - |
              # Create the Secret with a random value; keep an existing one.
              import json, os, secrets, ssl, urllib.error, urllib.request
              sa = "/var/run/secrets/kubernetes.io/serviceaccount"
              with open(sa + "/token") as f:
                  token = f.read()
              data = {os.environ["SECRET_KEY"]: secrets.token_hex(int(os.environ["RANDOM_BYTES"]))}
              if os.environ.get("FIXED_KEY"):
                  data[os.environ["FIXED_KEY"]] = os.environ["FIXED_VALUE"]
              body = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                      "metadata": {"name": os.environ["SECRET_NAME"]}, "stringData": data}
              request = urllib.request.Request(
                  "https://kubernetes.default.svc/api/v1/namespaces/%s/secrets" % os.environ["NAMESPACE"],
                  data=json.dumps(body).encode(), method="POST",
                  headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
              try:
                  urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sa + "/ca.crt"))
                  print("created Secret", os.environ["SECRET_NAME"])
              except urllib.error.HTTPError as error:
                  if error.code != 409:
                      raise
                  print("Secret", os.environ["SECRET_NAME"], "exists; kept")
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              cpu: 100m
              memory: 64Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
{{- end -}}

{{/*
The hook Job's ServiceAccount, Role (create Secrets in this namespace, nothing else)
and RoleBinding: hooks ordered before the Job, one define per kind.
Usage: {{ include "olympic-common.secretJobRole" (dict "ctx" . "name" "kiali-signing-key" "component" "kiali") }}
*/}}
{{- define "olympic-common.secretJobServiceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name | quote }}
  namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .component) | nindent 4 }}
  annotations:
    {{- include "olympic-common.secretJobHook" "-10" | nindent 4 }}
{{- end -}}

{{- define "olympic-common.secretJobRole" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .name | quote }}
  namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .component) | nindent 4 }}
  annotations:
    {{- include "olympic-common.secretJobHook" "-10" | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [create]
{{- end -}}

{{- define "olympic-common.secretJobRoleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ .name | quote }}
  namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .component) | nindent 4 }}
  annotations:
    {{- include "olympic-common.secretJobHook" "-9" | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ .name | quote }}
subjects:
  - kind: ServiceAccount
    name: {{ .name | quote }}
    namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
{{- end -}}

{{/* Hook annotations of the secret-making objects; the weight orders them (RBAC first). */}}
{{- define "olympic-common.secretJobHook" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ . | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}
