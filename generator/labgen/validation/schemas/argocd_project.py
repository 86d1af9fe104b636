"""argoproj.io/v1alpha1 AppProject (Argo CD 3.5)."""

from __future__ import annotations

from .notation import Types

TYPES: Types = {
    "AppProject": {"metadata": "!ObjectMeta", "spec": "!AppProjectSpec",
                   "status": "AppProjectStatus"},
    "AppProjectSpec": {
        "sourceRepos": "[str]",
        "destinations": "[ApplicationDestination]",
        "description": "str<=255",
        "roles": "[ProjectRole]",
        "clusterResourceWhitelist": "[ClusterResourceRestrictionItem]",
        "clusterResourceBlacklist": "[ClusterResourceRestrictionItem]",
        "namespaceResourceWhitelist": "[GroupKind]",
        "namespaceResourceBlacklist": "[GroupKind]",
        "orphanedResources": "OrphanedResourcesMonitorSettings",
        "syncWindows": "[SyncWindow]",
        "signatureKeys": "[SignatureKey]",
        "sourceNamespaces": "[str]",
        "permitOnlyProjectScopedClusters": "bool",
        "destinationServiceAccounts": "[ApplicationDestinationServiceAccount]",
        "sourceIntegrity": "SourceIntegrity",
    },
    # Cluster-scoped kinds may be narrowed to one object by name (Argo CD 3.x).
    "ClusterResourceRestrictionItem": {"group": "!str", "kind": "!str", "name": "str"},
    "GroupKind": {"group": "!str", "kind": "!str"},
    "ProjectRole": {
        "name": "!str",
        "description": "str",
        "policies": "[str]",
        "jwtTokens": "[JWTToken]",
        "groups": "[str]",
    },
    "JWTToken": {"iat": "!int", "exp": "int", "id": "str"},
    "OrphanedResourcesMonitorSettings": {"warn": "bool", "ignore": "[OrphanedResourceKey]"},
    "OrphanedResourceKey": {"group": "str", "kind": "str", "name": "str"},
    "SyncWindow": {
        "kind": "str",
        "schedule": "str",
        "duration": "str",
        "applications": "[str]",
        "namespaces": "[str]",
        "clusters": "[str]",
        "manualSync": "bool",
        "timeZone": "str",
        "andOperator": "bool",
        "description": "str",
        "syncOverrun": "bool",
    },
    "SignatureKey": {"keyID": "!str"},
    "ApplicationDestinationServiceAccount": {"server": "!str", "namespace": "str",
                                             "defaultServiceAccount": "!str"},
    "SourceIntegrity": {"git": "!SourceIntegrityGit"},
    "SourceIntegrityGit": {"policies": "![SourceIntegrityGitPolicy]"},
    "SourceIntegrityGitPolicy": {"repos": "![SourceIntegrityGitPolicyRepo]",
                                 "gpg": "!SourceIntegrityGitPolicyGPG"},
    "SourceIntegrityGitPolicyRepo": {"url": "!str"},
    "SourceIntegrityGitPolicyGPG": {"mode": "!str", "keys": "![str]"},
    "AppProjectStatus": {"jwtTokensByRole": "{JWTTokens}"},
    "JWTTokens": {"items": "[JWTToken]"},
}
