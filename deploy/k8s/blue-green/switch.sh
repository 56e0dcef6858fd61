#!/usr/bin/env bash
# Moves the streaming-tda Service to one version of a blue-green deployment, once that
# version's pods are ready and pass `streaming-tda validate-deployment`.
#   deploy/k8s/blue-green/switch.sh green [namespace]
set -euo pipefail
color="${1:?usage: switch.sh blue|green [namespace]}"
namespace="${2:-default}"
case "$color" in blue | green) ;; *) echo "switch.sh: version must be blue or green, got $color" >&2; exit 2 ;; esac
kubectl -n "$namespace" rollout status "deployment/streaming-tda-$color" --timeout=300s
kubectl -n "$namespace" wait --for=condition=ready pod -l "app=streaming-tda,version=$color" --timeout=300s
# Validate one pod of the new version through a port-forward before it takes traffic.
pod="$(kubectl -n "$namespace" get pod -l "app=streaming-tda,version=$color" -o jsonpath='{.items[0].metadata.name}')"
kubectl -n "$namespace" port-forward "pod/$pod" 18080:8080 >/dev/null &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT
sleep 2
streaming-tda validate-deployment http://127.0.0.1:18080
kubectl -n "$namespace" patch service streaming-tda -p "{\"spec\":{\"selector\":{\"app\":\"streaming-tda\",\"version\":\"$color\"}}}"
echo "streaming-tda now routes to $color"
