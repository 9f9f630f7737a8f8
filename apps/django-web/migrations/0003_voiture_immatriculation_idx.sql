-- AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False:
-- no BEGIN/COMMIT, the index is built without blocking writes.
--
-- Concurrently create index public_voit_immatri_4c2f0d_idx on field(s) immatriculation of model voiture
--
CREATE INDEX CONCURRENTLY "public_voit_immatri_4c2f0d_idx" ON "public_voiture" ("immatriculation");
