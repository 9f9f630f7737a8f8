-- A NOT NULL column with a database default (Django 5 `db_default='Paris'`): the default stays,
-- so the running release's INSERTs, which do not name the column, keep working; PostgreSQL 11+
-- stores a constant default without rewriting the table.
BEGIN;
--
-- Add field ville to garage
--
ALTER TABLE "public_garage" ADD COLUMN "ville" varchar(60) DEFAULT 'Paris' NOT NULL;
COMMIT;
