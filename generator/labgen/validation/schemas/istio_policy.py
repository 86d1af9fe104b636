"""security.istio.io (v1, v1beta1), telemetry.istio.io (v1, v1alpha1), extensions.istio.io (v1alpha1)."""

from __future__ import annotations

from .notation import Types

_TARGETING = {
    "selector": "WorkloadSelector",
    "targetRef": "PolicyTargetReference",
    "targetRefs": "[PolicyTargetReference]",
}
_WORKLOAD_MODE = "(CLIENT_AND_SERVER|CLIENT|SERVER)"
_FAIL_STRATEGY = "(FAIL_CLOSE|FAIL_OPEN|FAIL_RELOAD)"
_PULL_POLICY = "(UNSPECIFIED_POLICY|IfNotPresent|Always)"
_PLUGIN_TYPE = "(UNSPECIFIED_PLUGIN_TYPE|HTTP|NETWORK)"

SECURITY: Types = {
    "AuthorizationPolicy": {"spec": "AuthorizationPolicySpec", "status": "IstioStatus"},
    "AuthorizationPolicySpec": {
        **_TARGETING,
        "rules": "[Rule]",
        "action": "(ALLOW|DENY|AUDIT|CUSTOM)",
        "provider": "ExtensionProvider",
        "@oneof": "provider",
    },
    "ExtensionProvider": {"name": "str"},
    "Rule": {"from": "[RuleFrom]", "to": "[RuleTo]", "when": "[RuleCondition]"},
    "RuleFrom": {"source": "Source"},
    "RuleTo": {"operation": "RequestOperation"},
    "Source": {
        "principals": "[str]",
        "notPrincipals": "[str]",
        "requestPrincipals": "[str]",
        "notRequestPrincipals": "[str]",
        "namespaces": "[str]",
        "notNamespaces": "[str]",
        "serviceAccounts": "[str<=320]",
        "notServiceAccounts": "[str<=320]",
        "ipBlocks": "[str]",
        "notIpBlocks": "[str]",
        "remoteIpBlocks": "[str]",
        "notRemoteIpBlocks": "[str]",
        "trustDomains": "[str]",
        "notTrustDomains": "[str]",
    },
    "RequestOperation": {
        "hosts": "[str]",
        "notHosts": "[str]",
        "ports": "[str]",
        "notPorts": "[str]",
        "methods": "[str]",
        "notMethods": "[str]",
        "paths": "[str]",
        "notPaths": "[str]",
    },
    "RuleCondition": {"key": "!str", "values": "[str]", "notValues": "[str]"},
    "PeerAuthentication": {"spec": "PeerAuthenticationSpec", "status": "IstioStatus"},
    "PeerAuthenticationSpec": {
        "selector": "WorkloadSelector",
        "mtls": "MutualTLS",
        "portLevelMtls": "{MutualTLS}",
    },
    "MutualTLS": {"mode": "(UNSET|DISABLE|PERMISSIVE|STRICT)"},
    "RequestAuthentication": {"spec": "RequestAuthenticationSpec", "status": "IstioStatus"},
    "RequestAuthenticationSpec": {**_TARGETING, "jwtRules": "[JWTRule]"},
    "JWTRule": {
        "issuer": "str",
        "audiences": "[str]",
        "jwksUri": "str",
        "jwks_uri": "str",
        "jwks": "str",
        "fromHeaders": "[JWTHeader]",
        "fromParams": "[str]",
        "fromCookies": "[str]",
        "outputPayloadToHeader": "str",
        "forwardOriginalToken": "bool",
        "outputClaimToHeaders": "[ClaimToHeader]",
        "spaceDelimitedClaims": "[str]",
        "timeout": "duration",
    },
    "JWTHeader": {"name": "!str", "prefix": "str"},
    "ClaimToHeader": {"header": "!str", "claim": "!str"},
}

TELEMETRY: Types = {
    "Telemetry": {"spec": "TelemetrySpec", "status": "IstioStatus"},
    "TelemetrySpec": {
        **_TARGETING,
        "tracing": "[Tracing]",
        "metrics": "[Metrics]",
        "accessLogging": "[AccessLogging]",
    },
    "Tracing": {
        "match": "WorkloadModeSelector",
        "providers": "[ProviderRef]",
        "randomSamplingPercentage": "pct?",
        "disableSpanReporting": "bool?",
        "customTags": "{CustomTag}",
        "useRequestIdForTraceSampling": "bool?",
        "enableIstioTags": "bool?",
        "disableContextPropagation": "bool?",
    },
    "WorkloadModeSelector": {"mode": _WORKLOAD_MODE},
    "ProviderRef": {"name": "!str"},
    "CustomTag": {
        "literal": "LiteralTag",
        "environment": "EnvironmentTag",
        "header": "RequestHeaderTag",
        "formatter": "FormatterTag",
        "@oneof": "literal environment header formatter",
    },
    "LiteralTag": {"value": "!str"},
    "FormatterTag": {"value": "!str"},
    "EnvironmentTag": {"name": "!str", "defaultValue": "str"},
    "RequestHeaderTag": {"name": "!str", "defaultValue": "str"},
    "Metrics": {
        "providers": "[ProviderRef]",
        "overrides": "[MetricsOverrides]",
        "reportingInterval": "duration",
    },
    "MetricsOverrides": {
        "match": "MetricSelector",
        "disabled": "bool?",
        "tagOverrides": "{TagOverride}",
    },
    "MetricSelector": {
        "metric": "(ALL_METRICS|REQUEST_COUNT|REQUEST_DURATION|REQUEST_SIZE|RESPONSE_SIZE"
                  "|TCP_OPENED_CONNECTIONS|TCP_CLOSED_CONNECTIONS|TCP_SENT_BYTES"
                  "|TCP_RECEIVED_BYTES|GRPC_REQUEST_MESSAGES|GRPC_RESPONSE_MESSAGES)",
        "customMetric": "str",
        "mode": _WORKLOAD_MODE,
        "@oneof": "metric customMetric",
    },
    "TagOverride": {"operation": "(UPSERT|REMOVE)", "value": "str"},
    "AccessLogging": {
        "match": "WorkloadModeSelector",
        "providers": "[ProviderRef]",
        "disabled": "bool?",
        "filter": "AccessLogFilter",
    },
    "AccessLogFilter": {"expression": "str"},
}

_WASM_CODE = {
    "url": "!str",
    "sha256": "str",
    "imagePullPolicy": _PULL_POLICY,
    "imagePullSecret": "str",
    "verificationKey": "str",
    "pluginConfig": "object",
    "pluginName": "str",
    "failStrategy": _FAIL_STRATEGY,
    "vmConfig": "VmConfig",
    "type": _PLUGIN_TYPE,
}

EXTENSIONS: Types = {
    "WasmPlugin": {"spec": "!WasmPluginSpec", "status": "IstioStatus"},
    "WasmPluginSpec": {
        **_TARGETING,
        **_WASM_CODE,
        "phase": "(UNSPECIFIED_PHASE|AUTHN|AUTHZ|STATS)",
        "priority": "int?",
        "match": "[TrafficSelector]",
    },
    "VmConfig": {"env": "[EnvVar]"},
    "EnvVar": {"name": "!str", "valueFrom": "(INLINE|HOST)", "value": "str"},
    "TrafficSelector": {
        "mode": "(UNDEFINED|CLIENT|SERVER|CLIENT_AND_SERVER)",
        "ports": "[ExtensionPort]",
    },
    "ExtensionPort": {"number": "!int 1..65535"},
    "TrafficExtension": {"spec": "!TrafficExtensionSpec", "status": "IstioStatus"},
    "TrafficExtensionSpec": {
        "selector": "WorkloadSelector",
        "targetRefs": "[PolicyTargetReference]",
        "phase": "(UNSPECIFIED|AUTHN|AUTHZ|STATS)",
        "priority": "int?",
        "match": "[TrafficSelector]",
        "wasm": "WasmCode",
        "lua": "LuaCode",
        "@oneof": "wasm lua",
    },
    "WasmCode": dict(_WASM_CODE),
    "LuaCode": {"inlineCode": "!str"},
}
