-- Schema 5: the settings a run was made with that change its outcomes (rule
-- parameters set in testat.toml, providers declared the account baseline), as JSON.
-- Runs recorded before keep '{}'.
ALTER TABLE runs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
