"""Kubernetes object metadata, as labgen checks it on custom resources."""

from __future__ import annotations

from .notation import Types

TYPES: Types = {
    "ObjectMeta": {
        "name": "str<=253",
        "generateName": "str",
        "namespace": "str<=63",
        "labels": "{str}",
        "annotations": "{str}",
        "finalizers": "[str]",
        "ownerReferences": "[object]",
        "uid": "str",
        "resourceVersion": "str",
        "generation": "int",
        "creationTimestamp": "str?",
        "deletionTimestamp": "str?",
        "deletionGracePeriodSeconds": "int",
        "managedFields": "[object]",
    },
}
