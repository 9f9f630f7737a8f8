-- AddConstraint through SeparateDatabaseAndState + RunSQL: the CHECK is added NOT VALID
-- (no scan under ACCESS EXCLUSIVE); 0007 validates it without blocking writes.
BEGIN;
--
-- Raw SQL operation
--
ALTER TABLE "public_voiture" ADD CONSTRAINT "public_voiture_annee_fabrication_plausible" CHECK ("annee_fabrication" >= 1886) NOT VALID;
COMMIT;
