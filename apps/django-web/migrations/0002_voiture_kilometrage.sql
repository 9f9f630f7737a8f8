-- Expand: a nullable column; the running release neither reads nor writes it.
BEGIN;
--
-- Add field kilometrage to voiture
--
ALTER TABLE "public_voiture" ADD COLUMN "kilometrage" integer NULL;
COMMIT;
