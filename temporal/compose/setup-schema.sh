#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases (run by the temporal-schema service of
# docker-compose.yml with the temporalio/admin-tools image before the server starts). Safe to run
# on every `docker compose up`: an existing database is kept, setup-schema leaves a newer version
# alone and update-schema applies only the versions not yet applied.
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"
}

echo "Waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT..."
attempt=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "PostgreSQL did not answer on $POSTGRES_SEEDS:$PORT" >&2
    exit 1
  fi
  sleep 2
done

for db in temporal temporal_visibility; do
  if out=$(sql_tool --db "$db" create 2>&1); then
    echo "database $db created"
  else
    case "$out" in
      *"already exists"*) echo "database $db exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
done

sql_tool --db temporal setup-schema -v 0.0
sql_tool --db temporal update-schema -d "$SCHEMA/temporal/versioned"
sql_tool --db temporal_visibility setup-schema -v 0.0
sql_tool --db temporal_visibility update-schema -d "$SCHEMA/visibility/versioned"
echo "Temporal schema is up to date"
