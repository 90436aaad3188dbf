-- The application's database role, homecare_app: the web server and the Celery worker connect as
-- it. It reads and writes rows and owns nothing: it is not a superuser, may not SET
-- session_replication_role, ALTER, TRUNCATE or DROP a table or disable a trigger, so the triggers
-- that freeze submitted returns and issued invoices hold against the application itself.
--
-- Run as the owner of the tables (the maintenance role, which runs the migrations), in the
-- application's database; idempotent. docker-compose's db service runs it when it first creates
-- the database, scripts/db-up.sh on every start, tests/conftest.py on the test database.
DO $$
BEGIN
    CREATE ROLE homecare_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- there already (roles belong to the whole cluster; two test runs may race here)
END
$$;

GRANT USAGE ON SCHEMA public TO homecare_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO homecare_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO homecare_app;
-- The same for every table and sequence this role creates from now on (later migrations).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO homecare_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO homecare_app;
