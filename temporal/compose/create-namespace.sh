#!/bin/sh
# Creates the application's namespace once the Temporal server answers, then waits until the
# frontend describes it (run by the temporal-namespace service of docker-compose.yml with the
# temporalio/admin-tools image). The API and the worker start only after this succeeded.
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"

attempt=0
retry() {
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "$1" >&2
    exit 1
  fi
  sleep 2
}

until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  retry "Temporal at $TEMPORAL_ADDRESS did not become healthy"
done

if temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create -n "$NAMESPACE" --retention "$RETENTION" \
    --address "$TEMPORAL_ADDRESS" || true
fi

# A namespace just created is visible to every frontend only after the namespace cache refreshes.
attempt=0
until temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  retry "namespace $NAMESPACE is not described by $TEMPORAL_ADDRESS"
done
echo "namespace $NAMESPACE is ready"
