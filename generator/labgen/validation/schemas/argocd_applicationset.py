"""argoproj.io/v1alpha1 ApplicationSet (Argo CD 3.5): generators, template, strategy, status."""

from __future__ import annotations

from .notation import Types

_TEMPLATE = "ApplicationSetTemplate"
_SECRET = "SecretRef"


def _generators(nested: str) -> dict[str, str]:
    """The generator kinds; inside matrix/merge, a nested matrix/merge is free-form."""
    return {
        "list": "ListGenerator",
        "clusters": "ClusterGenerator",
        "git": "GitGenerator",
        "scmProvider": "SCMProviderGenerator",
        "clusterDecisionResource": "DuckTypeGenerator",
        "pullRequest": "PullRequestGenerator",
        "matrix": nested if nested else "MatrixGenerator",
        "merge": nested if nested else "MergeGenerator",
        "selector": "LabelSelector",
        "plugin": "PluginGenerator",
    }


_PARAMETERS = {"template": _TEMPLATE, "values": "{str}"}

GENERATORS: Types = {
    "ApplicationSetGenerator": _generators(""),
    "ApplicationSetNestedGenerator": _generators("any"),
    "ListGenerator": {"elements": "[any]", "template": _TEMPLATE, "elementsYaml": "str"},
    "ClusterGenerator": {"selector": "LabelSelector", "flatList": "bool", **_PARAMETERS},
    "GitGenerator": {
        "repoURL": "!str",
        "directories": "[GitGeneratorItem]",
        "files": "[GitGeneratorItem]",
        "revision": "!str",
        "requeueAfterSeconds": "int",
        "pathParamPrefix": "str",
        **_PARAMETERS,
    },
    "GitGeneratorItem": {"path": "!str", "exclude": "bool"},
    "DuckTypeGenerator": {
        "configMapRef": "!str",
        "name": "str",
        "requeueAfterSeconds": "int",
        "labelSelector": "LabelSelector",
        **_PARAMETERS,
    },
    "MatrixGenerator": {"generators": "![ApplicationSetNestedGenerator]", "template": _TEMPLATE},
    "MergeGenerator": {
        "generators": "![ApplicationSetNestedGenerator]",
        "mergeKeys": "![str]",
        "template": _TEMPLATE,
    },
    "PluginGenerator": {
        "configMapRef": "!PluginConfigMapRef",
        "input": "PluginInput",
        "requeueAfterSeconds": "int",
        **_PARAMETERS,
    },
    "PluginConfigMapRef": {"name": "!str"},
    "PluginInput": {"parameters": "{any}"},
    "LabelSelector": {"matchLabels": "{str}", "matchExpressions": "[LabelSelectorRequirement]"},
    "LabelSelectorRequirement": {"key": "!str", "operator": "!str", "values": "[str]"},
    _SECRET: {"secretName": "!str", "key": "!str"},
    "ConfigMapKeyRef": {"configMapName": "!str", "key": "!str"},
    "BasicAuthBitbucketServer": {"username": "!str", "passwordRef": f"!{_SECRET}"},
    "BearerTokenBitbucket": {"tokenRef": f"!{_SECRET}"},
}

SCM_PROVIDERS: Types = {
    "SCMProviderGenerator": {
        "github": "SCMProviderGeneratorGithub",
        "gitlab": "SCMProviderGeneratorGitlab",
        "bitbucket": "SCMProviderGeneratorBitbucket",
        "bitbucketServer": "SCMProviderGeneratorBitbucketServer",
        "gitea": "SCMProviderGeneratorGitea",
        "azureDevOps": "SCMProviderGeneratorAzureDevOps",
        "awsCodeCommit": "SCMProviderGeneratorAWSCodeCommit",
        "filters": "[SCMProviderGeneratorFilter]",
        "cloneProtocol": "str",
        "requeueAfterSeconds": "int",
        **_PARAMETERS,
    },
    "SCMProviderGeneratorGithub": {
        "organization": "!str",
        "api": "str",
        "tokenRef": _SECRET,
        "appSecretName": "str",
        "allBranches": "bool",
        "excludeArchivedRepos": "bool",
    },
    "SCMProviderGeneratorGitlab": {
        "group": "!str",
        "includeSubgroups": "bool",
        "api": "str",
        "tokenRef": _SECRET,
        "allBranches": "bool",
        "insecure": "bool",
        "includeSharedProjects": "bool",
        "topic": "str",
        "caRef": "ConfigMapKeyRef",
        "includeArchivedRepos": "bool",
    },
    "SCMProviderGeneratorBitbucket": {
        "owner": "!str",
        "user": "!str",
        "appPasswordRef": f"!{_SECRET}",
        "allBranches": "bool",
    },
    "SCMProviderGeneratorBitbucketServer": {
        "project": "!str",
        "api": "!str",
        "basicAuth": "BasicAuthBitbucketServer",
        "bearerToken": "BearerTokenBitbucket",
        "allBranches": "bool",
        "insecure": "bool",
        "caRef": "ConfigMapKeyRef",
    },
    "SCMProviderGeneratorGitea": {
        "owner": "!str",
        "api": "!str",
        "tokenRef": _SECRET,
        "allBranches": "bool",
        "insecure": "bool",
        "excludeArchivedRepos": "bool",
    },
    "SCMProviderGeneratorAzureDevOps": {
        "organization": "!str",
        "api": "str",
        "teamProject": "!str",
        "accessTokenRef": f"!{_SECRET}",
        "allBranches": "bool",
    },
    "SCMProviderGeneratorAWSCodeCommit": {
        "tagFilters": "[TagFilter]",
        "role": "str",
        "region": "str",
        "allBranches": "bool",
    },
    "TagFilter": {"key": "!str", "value": "str"},
    "SCMProviderGeneratorFilter": {
        "repositoryMatch": "str",
        "pathsExist": "[str]",
        "pathsDoNotExist": "[str]",
        "labelMatch": "str",
        "branchMatch": "str",
    },
}

PULL_REQUESTS: Types = {
    "PullRequestGenerator": {
        "github": "PullRequestGeneratorGithub",
        "gitlab": "PullRequestGeneratorGitlab",
        "gitea": "PullRequestGeneratorGitea",
        "bitbucketServer": "PullRequestGeneratorBitbucketServer",
        "bitbucket": "PullRequestGeneratorBitbucket",
        "azuredevops": "PullRequestGeneratorAzureDevOps",
        "filters": "[PullRequestGeneratorFilter]",
        "requeueAfterSeconds": "int",
        "continueOnRepoNotFoundError": "bool",
        **_PARAMETERS,
    },
    "PullRequestGeneratorGithub": {
        "owner": "!str",
        "repo": "!str",
        "api": "str",
        "tokenRef": _SECRET,
        "appSecretName": "str",
        "labels": "[str]",
    },
    "PullRequestGeneratorGitlab": {
        "project": "!str",
        "api": "str",
        "tokenRef": _SECRET,
        "labels": "[str]",
        "pullRequestState": "str",
        "insecure": "bool",
        "caRef": "ConfigMapKeyRef",
    },
    "PullRequestGeneratorGitea": {
        "owner": "!str",
        "repo": "!str",
        "api": "!str",
        "tokenRef": _SECRET,
        "insecure": "bool",
        "labels": "[str]",
    },
    "PullRequestGeneratorBitbucketServer": {
        "project": "!str",
        "repo": "!str",
        "api": "!str",
        "basicAuth": "BasicAuthBitbucketServer",
        "bearerToken": "BearerTokenBitbucket",
        "insecure": "bool",
        "caRef": "ConfigMapKeyRef",
    },
    "PullRequestGeneratorBitbucket": {
        "owner": "!str",
        "repo": "!str",
        "api": "str",
        "basicAuth": "BasicAuthBitbucketServer",
        "bearerToken": "BearerTokenBitbucket",
    },
    "PullRequestGeneratorAzureDevOps": {
        "organization": "!str",
        "project": "!str",
        "repo": "!str",
        "api": "str",
        "tokenRef": _SECRET,
        "labels": "[str]",
    },
    "PullRequestGeneratorFilter": {"branchMatch": "str", "targetBranchMatch": "str",
                                   "titleMatch": "str"},
}

APPLICATION_SET: Types = {
    "ApplicationSet": {"metadata": "!ObjectMeta", "spec": "!ApplicationSetSpec",
                       "status": "ApplicationSetStatus"},
    "ApplicationSetSpec": {
        "goTemplate": "bool",
        "generators": "![ApplicationSetGenerator]",
        "template": f"!{_TEMPLATE}",
        "syncPolicy": "ApplicationSetSyncPolicy",
        "strategy": "ApplicationSetStrategy",
        "preservedFields": "ApplicationPreservedFields",
        "goTemplateOptions": "[str]",
        "applyNestedSelectors": "bool",
        "ignoreApplicationDifferences": "[ApplicationSetResourceIgnoreDifferences]",
        "templatePatch": "str",
    },
    _TEMPLATE: {"metadata": "!ApplicationSetTemplateMeta", "spec": "!ApplicationSpec"},
    "ApplicationSetTemplateMeta": {
        "name": "str",
        "namespace": "str",
        "labels": "{str}",
        "annotations": "{str}",
        "finalizers": "[str]",
    },
    "ApplicationSetSyncPolicy": {
        "preserveResourcesOnDeletion": "bool",
        "applicationsSync": "(create-only|create-update|create-delete|sync)",
    },
    "ApplicationSetStrategy": {"type": "str", "rollingSync": "ApplicationSetRolloutStrategy",
                               "deletionOrder": "str"},
    "ApplicationSetRolloutStrategy": {"steps": "[ApplicationSetRolloutStep]"},
    "ApplicationSetRolloutStep": {"matchExpressions": "[ApplicationMatchExpression]",
                                  "maxUpdate": "intstr"},
    "ApplicationMatchExpression": {"key": "str", "operator": "str", "values": "[str]"},
    "ApplicationPreservedFields": {"annotations": "[str]", "labels": "[str]"},
    "ApplicationSetResourceIgnoreDifferences": {
        "name": "str",
        "jsonPointers": "[str]",
        "jqPathExpressions": "[str]",
    },
    "ApplicationSetStatus": {
        "conditions": "[ApplicationSetCondition]",
        "applicationStatus": "[ApplicationSetApplicationStatus]",
        "resources": "[ResourceStatus]",
        "resourcesCount": "int",
        "health": "HealthStatus",
    },
    "ApplicationSetCondition": {
        "type": "!str",
        "message": "!str",
        "lastTransitionTime": "str",
        "status": "!str",
        "reason": "!str",
    },
    "ApplicationSetApplicationStatus": {
        "application": "!str",
        "lastTransitionTime": "str",
        "message": "!str",
        "status": "!str",
        "step": "!str",
        "targetRevisions": "![str]",
    },
}
