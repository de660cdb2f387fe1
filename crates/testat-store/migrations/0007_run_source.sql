-- Schema 7: runs imported from another scanner (Checkov, Prowler, a SARIF tool) keep
-- the tool's name and version. NULL for Testat's own scans and for runs recorded
-- before.
ALTER TABLE runs ADD COLUMN source_tool TEXT;
ALTER TABLE runs ADD COLUMN source_version TEXT;
