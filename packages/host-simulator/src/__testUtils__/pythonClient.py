"""Drives the official Python client (python3-kubernetes) against one cluster.

Usage: python3 pythonClient.py <kubeconfig> <namespace>
Prints one JSON report of what the server answered; the jest test checks it
and reads the effects back with @kubernetes/client-node.
"""
import json
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException


def configmap(name, data):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data=data)


def status_of(call):
    try:
        call()
    except ApiException as error:
        return error.status
    return 200


def main(kubeconfig, namespace):
    core = client.CoreV1Api(config.new_client_from_config(config_file=kubeconfig))
    report = {}
    core.create_namespace(
        client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace))
    )
    for i in range(5):
        core.create_namespaced_config_map(namespace, configmap(f"item-{i}", {"i": str(i)}))
    report["listed"] = sorted(
        cm.metadata.name
        for cm in core.list_namespaced_config_map(namespace, label_selector="").items
    )

    names, pages, token = [], 0, None
    while True:
        page = core.list_namespaced_config_map(namespace, limit=2, _continue=token)
        pages += 1
        names += [cm.metadata.name for cm in page.items]
        token = page.metadata._continue
        if not token:
            break
    report["paged"] = {"pages": pages, "names": names}

    patched = core.patch_namespaced_config_map(
        "item-0", namespace, {"data": {"patched": "yes"}}
    )
    report["patched"] = patched.data

    stale = core.read_namespaced_config_map("item-1", namespace)
    core.patch_namespaced_config_map("item-1", namespace, {"data": {"bump": "1"}})
    stale.data = {"replaced": "with a stale resourceVersion"}
    report["staleReplace"] = status_of(
        lambda: core.replace_namespaced_config_map("item-1", namespace, stale)
    )
    report["missing"] = status_of(
        lambda: core.read_namespaced_config_map("missing", namespace)
    )

    # Watches send watch=True: the server must stream, not answer a list.
    version = core.list_namespaced_config_map(namespace).metadata.resource_version
    creator = threading.Timer(
        0.3,
        lambda: core.create_namespaced_config_map(
            namespace, configmap("watched", {"seen": "yes"})
        ),
    )
    creator.start()
    events = []
    stream = watch.Watch()
    for event in stream.stream(
        core.list_namespaced_config_map,
        namespace,
        resource_version=version,
        timeout_seconds=10,
    ):
        events.append([event["type"], event["object"].metadata.name])
        if event["object"].metadata.name == "watched":
            stream.stop()
    creator.join()
    report["watched"] = events
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
