//! Unit tests of the roll-up with hand-built inputs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-06-01";

fn rule(id: &str, criterion: &str) -> RuleResult {
    RuleResult {
        scope: "default".into(),
        run: 1,
        rule: id.into(),
        criteria: vec![criterion.into()],
        ..RuleResult::default()
    }
}

fn attestation(id: i64, criterion: &str, status: &str, next_review: Option<&str>) -> Attestation {
    Attestation {
        id,
        criterion: criterion.into(),
        status: status.parse().unwrap(),
        statement: "in place".into(),
        owner: "CISO".into(),
        next_review: next_review.map(day),
        attested_by: "alice".into(),
        attested_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn evidence(id: i64, criterion: &str, valid_until: Option<&str>) -> Evidence {
    Evidence {
        id,
        kind: testat_records::EvidenceKind::Note,
        sha256: None,
        name: None,
        size: None,
        media_type: None,
        url: None,
        note: Some("walkthrough".into()),
        effective: Some(day("2026-01-01")),
        valid_until: valid_until.map(day),
        criteria: vec![criterion.into()],
        added_by: "alice".into(),
        added_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn exception(rule: &str, resource: &str, expires: &str) -> Exception {
    Exception {
        rule: rule.into(),
        resource: resource.into(),
        justification: "legacy bucket".into(),
        approved_by: "CISO".into(),
        risk_owner: None,
        expires: day(expires),
    }
}

fn status_of(inputs: &Inputs<'_>, id: &str) -> CriterionStatus {
    assess(testat_catalog::builtin(), inputs, day(TODAY))
        .into_iter()
        .find(|c| c.criterion == id)
        .unwrap()
}

#[test]
fn every_criterion_gets_a_status_and_empty_inputs_mean_not_assessed() {
    let all = assess(testat_catalog::builtin(), &Inputs::default(), day(TODAY));
    assert_eq!(all.len(), testat_catalog::builtin().criteria.len());
    assert!(all.iter().all(|c| c.status == Status::NotAssessed));
    assert!(all.iter().all(|c| !c.reasons.is_empty()));
}

#[test]
fn failing_rule_is_not_met_and_names_the_resource() {
    let mut r = rule("AWS-S3-ENCRYPTION", "CRY-03");
    r.failing = vec!["aws_s3_bucket.logs".into()];
    r.passed = 3;
    let rules = [r];
    let c = status_of(
        &Inputs {
            rules: &rules,
            ..Inputs::default()
        },
        "CRY-03",
    );
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("AWS-S3-ENCRYPTION failed on aws_s3_bucket.logs")),
        "{:?}",
        c.reasons
    );
}

#[test]
fn all_passing_automated_criterion_is_met() {
    let mut r = rule("AWS-S3-ENCRYPTION", "CRY-03");
    r.passed = 2;
    let rules = [r];
    let c = status_of(
        &Inputs {
            rules: &rules,
            ..Inputs::default()
        },
        "CRY-03",
    );
    assert_eq!(c.status, Status::Met);
}

#[test]
fn only_unknown_findings_are_not_a_pass() {
    let mut r = rule("AWS-S3-ENCRYPTION", "CRY-03");
    r.unknown = 1;
    let rules = [r];
    let c = status_of(
        &Inputs {
            rules: &rules,
            ..Inputs::default()
        },
        "CRY-03",
    );
    assert_eq!(c.status, Status::NotAssessed);
    assert!(c.reasons.iter().any(|r| r.contains("could not be decided")));
}

#[test]
fn active_exception_turns_a_failure_into_met_with_a_reason() {
    let mut r = rule("AWS-S3-ENCRYPTION", "CRY-03");
    r.failing = vec!["aws_s3_bucket.logs".into()];
    let rules = [r];
    let exceptions = [exception("AWS-S3-*", "aws_s3_bucket.logs", "2026-12-31")];
    let inputs = Inputs {
        rules: &rules,
        exceptions: &exceptions,
        ..Inputs::default()
    };
    let c = status_of(&inputs, "CRY-03");
    assert_eq!(c.status, Status::Met, "{:?}", c.reasons);
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("aws_s3_bucket.logs") && r.contains("excepted until 2026-12-31")),
        "{:?}",
        c.reasons
    );
}

#[test]
fn expired_exception_leaves_the_failure_not_met() {
    let mut r = rule("AWS-S3-ENCRYPTION", "CRY-03");
    // Excepted when scanned, but the exception has lapsed since.
    r.excepted = vec!["aws_s3_bucket.logs".into()];
    let rules = [r];
    let exceptions = [exception("AWS-S3-ENCRYPTION", "*", "2026-05-31")];
    let inputs = Inputs {
        rules: &rules,
        exceptions: &exceptions,
        ..Inputs::default()
    };
    let c = status_of(&inputs, "CRY-03");
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("aws_s3_bucket.logs (exception expired 2026-05-31)")),
        "{:?}",
        c.reasons
    );
}

#[test]
fn implemented_with_valid_evidence_is_met() {
    let attestations = [attestation(1, "OIS-01", "implemented", Some("2026-12-31"))];
    let evidence = [evidence(1, "OIS-01", Some("2026-12-31"))];
    let inputs = Inputs {
        attestations: &attestations,
        evidence: &evidence,
        ..Inputs::default()
    };
    assert_eq!(status_of(&inputs, "OIS-01").status, Status::Met);
}

#[test]
fn expired_evidence_is_a_reason_and_does_not_count() {
    let attestations = [attestation(1, "OIS-01", "implemented", None)];
    let evidence = [evidence(7, "OIS-01", Some("2026-05-31"))];
    let inputs = Inputs {
        attestations: &attestations,
        evidence: &evidence,
        ..Inputs::default()
    };
    let c = status_of(&inputs, "OIS-01");
    assert_eq!(c.status, Status::PartlyMet);
    assert!(
        c.reasons
            .iter()
            .any(|r| r == "evidence 7 expired on 2026-05-31"),
        "{:?}",
        c.reasons
    );
}

#[test]
fn overdue_review_is_a_reason_and_lowers_met() {
    let attestations = [attestation(1, "OIS-01", "implemented", Some("2026-05-01"))];
    let evidence = [evidence(1, "OIS-01", None)];
    let inputs = Inputs {
        attestations: &attestations,
        evidence: &evidence,
        ..Inputs::default()
    };
    let c = status_of(&inputs, "OIS-01");
    assert_eq!(c.status, Status::PartlyMet);
    assert!(
        c.reasons
            .iter()
            .any(|r| r == "review overdue since 2026-05-01"),
        "{:?}",
        c.reasons
    );
}

#[test]
fn latest_attestation_counts_planned_is_not_met() {
    let attestations = [
        attestation(2, "OIS-01", "planned", None),
        attestation(1, "OIS-01", "implemented", None),
    ];
    let inputs = Inputs {
        attestations: &attestations,
        ..Inputs::default()
    };
    assert_eq!(status_of(&inputs, "OIS-01").status, Status::NotMet);
}

#[test]
fn not_applicable_attestation_is_not_applicable() {
    let attestations = [attestation(1, "OIS-01", "not-applicable", None)];
    let inputs = Inputs {
        attestations: &attestations,
        ..Inputs::default()
    };
    let c = status_of(&inputs, "OIS-01");
    assert_eq!(c.status, Status::NotApplicable);
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("attested not-applicable"))
    );
}

#[test]
fn partly_automated_needs_both_parts() {
    let mut r = rule("AWS-BACKUP", "OPS-06");
    r.passed = 1;
    let rules = [r];
    let only_scan = Inputs {
        rules: &rules,
        ..Inputs::default()
    };
    assert_eq!(status_of(&only_scan, "OPS-06").status, Status::PartlyMet);
    let attestations = [attestation(1, "OPS-06", "implemented", None)];
    let evidence = [evidence(1, "OPS-06", None)];
    let both = Inputs {
        rules: &rules,
        attestations: &attestations,
        evidence: &evidence,
        ..Inputs::default()
    };
    assert_eq!(status_of(&both, "OPS-06").status, Status::Met);
}

#[test]
fn register_gaps_make_inq_not_met_and_support_counts_as_evidence() {
    let inquiry = [
        InqCriterion {
            criterion: "INQ-01",
            support: InqSupport::Gaps,
            checked: "legal review",
            reasons: vec!["inquiry 3 reached an outcome without a legal review".into()],
        },
        InqCriterion {
            criterion: "INQ-02",
            support: InqSupport::Supported,
            checked: "notification",
            reasons: vec!["every request was notified".into()],
        },
    ];
    let attestations = [attestation(1, "INQ-02", "implemented", None)];
    let inputs = Inputs {
        inquiry: &inquiry,
        attestations: &attestations,
        ..Inputs::default()
    };
    let c1 = status_of(&inputs, "INQ-01");
    assert_eq!(c1.status, Status::NotMet);
    assert!(c1.reasons.iter().any(|r| r.contains("inquiry 3")));
    assert_eq!(status_of(&inputs, "INQ-02").status, Status::Met);
}

#[test]
fn in_the_past_recorded_failures_stand_but_recorded_exceptions_can_lapse() {
    let r = RuleResult {
        scope: "default".into(),
        run: 1,
        rule: "AWS-S3-ENCRYPTION".into(),
        criteria: vec!["CRY-03".into()],
        failing: vec!["aws_s3_bucket.a".into()],
        excepted: vec!["aws_s3_bucket.b".into()],
        ..RuleResult::default()
    };
    let exceptions = [
        exception("AWS-S3-ENCRYPTION", "aws_s3_bucket.a", "2026-12-31"),
        exception("AWS-S3-ENCRYPTION", "aws_s3_bucket.b", "2026-01-31"),
    ];
    let rules = [r];
    let today = day("2026-03-01");
    let now = Inputs {
        rules: &rules,
        exceptions: &exceptions,
        ..Inputs::default()
    };
    let c = crate::assess(testat_catalog::builtin(), &now, today);
    let c = c.iter().find(|c| c.criterion == "CRY-03").unwrap();
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("on aws_s3_bucket.a: excepted until 2026-12-31")),
        "{:?}",
        c.reasons
    );
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("aws_s3_bucket.b (exception expired 2026-01-31)")),
        "{:?}",
        c.reasons
    );

    let past = Inputs {
        recorded_failures_stand: true,
        ..now
    };
    let c = crate::assess(testat_catalog::builtin(), &past, today);
    let c = c.iter().find(|c| c.criterion == "CRY-03").unwrap();
    assert_eq!(c.status, Status::NotMet);
    assert!(
        c.reasons.iter().any(|r| r
            .contains("failed on aws_s3_bucket.a, aws_s3_bucket.b (exception expired 2026-01-31)")),
        "{:?}",
        c.reasons
    );
}

#[test]
fn an_assessment_reads_up_to_the_end_of_its_last_day_or_now() {
    use chrono::TimeZone;

    let t = |h: u32, d: u32| chrono::Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap();
    let kind = crate::AssessmentKind::Type2 {
        from: day("2026-03-01"),
        to: day("2026-03-31"),
    };
    assert_eq!(
        kind.bounds(),
        (t(0, 1), t(0, 31) + chrono::Duration::days(1))
    );
    let later = t(9, 31) + chrono::Duration::days(2);
    assert_eq!(
        kind.cut_off(later),
        t(0, 31) + chrono::Duration::days(1) - chrono::Duration::microseconds(1)
    );
    assert!(kind.is_past(later));
    // On the last day itself: up to now, and exceptions still apply again.
    assert_eq!(kind.cut_off(t(9, 31)), t(9, 31));
    assert!(!kind.is_past(t(9, 31)));
}
