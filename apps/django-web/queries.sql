-- Statements the released garage site (public + api, the version prod runs) issues, one per line,
-- normalized with $n parameters. The migration check prepares and runs each against the migrated schema.
SELECT "public_voiture"."id", "public_voiture"."marque", "public_voiture"."immatriculation", "public_voiture"."modele", "public_voiture"."annee_fabrication", "public_voiture"."cle_id", "public_voiture"."garage_id" FROM "public_voiture" ORDER BY "public_voiture"."id" ASC
SELECT "public_voiture"."id", "public_voiture"."marque", "public_voiture"."immatriculation", "public_voiture"."modele", "public_voiture"."annee_fabrication", "public_voiture"."cle_id", "public_voiture"."garage_id", "public_garage"."id", "public_garage"."nom" FROM "public_voiture" INNER JOIN "public_garage" ON ("public_voiture"."garage_id" = "public_garage"."id") WHERE "public_voiture"."id" = $1 LIMIT 21
SELECT "public_garage"."id", "public_garage"."nom" FROM "public_garage" ORDER BY "public_garage"."nom" ASC
SELECT "public_cle"."id", "public_cle"."couleur", "public_cle"."etat_pret", "public_cle"."date_pret", "public_cle"."date_rendu", "public_cle"."proprietaire_id" FROM "public_cle" WHERE "public_cle"."proprietaire_id" = $1
SELECT "auth_user"."id", "auth_user"."username", "auth_user"."first_name", "auth_user"."last_name", "auth_user"."email", "auth_user"."is_active" FROM "auth_user" WHERE "auth_user"."is_active" ORDER BY "auth_user"."username" ASC
INSERT INTO "public_garage" ("nom") VALUES ($1) RETURNING "public_garage"."id"
INSERT INTO "public_cle" ("couleur", "etat_pret", "date_pret", "date_rendu", "proprietaire_id") VALUES ($1, $2, $3, $4, $5) RETURNING "public_cle"."id"
INSERT INTO "public_voiture" ("marque", "immatriculation", "modele", "annee_fabrication", "cle_id", "garage_id") VALUES ($1, $2, $3, 2020, $4, $5) RETURNING "public_voiture"."id"
UPDATE "public_cle" SET "etat_pret" = $1, "date_pret" = $2, "date_rendu" = $3 WHERE "public_cle"."id" = $4
UPDATE "public_voiture" SET "garage_id" = $1 WHERE "public_voiture"."id" = $2
DELETE FROM "public_voiture" WHERE "public_voiture"."id" = $1
