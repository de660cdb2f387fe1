-- Schema 2: indexes for period queries and per-criterion history.
CREATE INDEX runs_started ON runs (started_at);
CREATE INDEX runs_scope ON runs (scope, id);
CREATE INDEX run_criteria_criterion ON run_criteria (criterion, run_id);
CREATE INDEX evidence_criteria_criterion ON evidence_criteria (criterion);
CREATE INDEX attestations_criterion ON attestations (criterion, id);
CREATE INDEX finding_changes_key ON finding_changes (rule, address, run_id);
