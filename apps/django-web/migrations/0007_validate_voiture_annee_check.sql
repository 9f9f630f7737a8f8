-- atomic = False: VALIDATE takes only SHARE UPDATE EXCLUSIVE, so reads and writes go on during the scan.
--
-- Raw SQL operation
--
ALTER TABLE "public_voiture" VALIDATE CONSTRAINT "public_voiture_annee_fabrication_plausible";
