#!/bin/sh
# docker-compose's db service, first start only (after 10-app-role.sql): the application role's
# password, from POSTGRES_APP_PASSWORD.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$POSTGRES_APP_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
ALTER ROLE homecare_app PASSWORD :'app_password';
SQL
