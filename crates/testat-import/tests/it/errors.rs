//! Bad input: every error names the file and the place, and nothing panics.

use testat_import::{Format, ImportError, read};

fn error(bytes: &[u8], format: Option<Format>) -> ImportError {
    match read(bytes, "input.json", format) {
        Ok(file) => panic!(
            "read {:?} without complaint: {file:?}",
            String::from_utf8_lossy(bytes)
        ),
        Err(e) => e,
    }
}

/// The pointer, line and message of an `Invalid` error.
fn invalid(bytes: &[u8], format: Option<Format>) -> (String, usize, String, String) {
    let e = error(bytes, format);
    let text = e.to_string();
    assert!(text.starts_with("input.json: "), "{text}");
    match e {
        ImportError::Invalid {
            pointer,
            line,
            message,
            ..
        } => (pointer, line, message, text),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

const CHECKOV_OK: &str = r#"{"check_type": "terraform", "results": {"failed_checks": [
  {"check_id": "CKV_AWS_20", "check_name": "S3 bucket is not public", "file_path": "/main.tf",
   "file_line_range": [1, 9], "resource": "aws_s3_bucket.a", "severity": "HIGH"}]},
  "summary": {"passed": 0, "failed": 1, "checkov_version": "3.2.1"}}"#;

#[test]
fn a_valid_checkov_report_for_comparison() {
    let file = read(CHECKOV_OK.as_bytes(), "input.json", None).unwrap();
    let import = &file.imports[0];
    assert_eq!(import.findings.len(), 1);
    // Checkov with a platform key does write severities; those are kept.
    assert_eq!(
        import.findings[0].severity,
        Some(testat_import::Severity::High)
    );
}

#[test]
fn files_that_are_no_known_format() {
    for (bytes, says) in [
        (&b""[..], "empty"),
        (b"apiVersion: v1\nkind: Pod\n", "not JSON"),
        (b"[]", "empty JSON array"),
        (b"[1, 2, 3]", "other than objects"),
        (
            br#"{"name": "terraform plan", "values": {}}"#,
            "neither a SARIF log",
        ),
        (
            br#"[{"address": "aws_s3_bucket.a"}]"#,
            "neither a Checkov report",
        ),
    ] {
        let e = error(bytes, None);
        let text = e.to_string();
        assert!(matches!(e, ImportError::UnknownFormat { .. }), "{text}");
        assert!(
            text.starts_with("input.json: ") && text.contains(says),
            "{text}"
        );
    }
}

#[test]
fn checkov_of_an_unknown_version() {
    let bytes = CHECKOV_OK.replace("3.2.1", "4.0.0");
    let (pointer, _, message, _) = invalid(bytes.as_bytes(), None);
    assert_eq!(pointer, "/summary/checkov_version");
    assert!(
        message.contains("\"4.0.0\" is not one this reader knows"),
        "{message}"
    );

    let list = format!("[{CHECKOV_OK}, {}]", CHECKOV_OK.replace("3.2.1", "1.0.9"));
    let (pointer, _, _, _) = invalid(list.as_bytes(), None);
    assert_eq!(pointer, "/1/summary/checkov_version");

    let unversioned = CHECKOV_OK.replace(r#""checkov_version": "3.2.1""#, r#""version": "3""#);
    let (pointer, _, message, _) = invalid(unversioned.as_bytes(), None);
    assert_eq!(pointer, "/summary/checkov_version");
    assert!(message.contains("no Checkov version"), "{message}");
}

#[test]
fn checkov_records_of_the_wrong_shape() {
    let no_id = CHECKOV_OK.replace(r#""check_id": "CKV_AWS_20", "#, "");
    let (pointer, line, message, text) = invalid(no_id.as_bytes(), None);
    assert_eq!(pointer, "/results/failed_checks/0");
    assert!(message.contains("missing field `check_id`"), "{message}");
    assert!(line > 0, "{text}");

    let bad_lines = CHECKOV_OK.replace("[1, 9]", r#""1-9""#);
    let (pointer, _, _, _) = invalid(bad_lines.as_bytes(), None);
    assert_eq!(pointer, "/results/failed_checks/0/file_line_range");

    let empty_id = CHECKOV_OK.replace("CKV_AWS_20", " ");
    let (pointer, _, message, _) = invalid(empty_id.as_bytes(), None);
    assert_eq!(pointer, "/results/failed_checks/0/check_id");
    assert!(message.contains("empty"));

    let no_type = CHECKOV_OK.replace(r#""check_type": "terraform", "#, "");
    let (pointer, _, message, _) = invalid(no_type.as_bytes(), Some(Format::Checkov));
    assert_eq!(pointer, "");
    assert!(message.contains("check_type"));

    let (_, _, message, _) = invalid(br#"{"results": [], "check_type": "x"}"#, None);
    assert!(message.contains("invalid type"), "{message}");
}

#[test]
fn checkov_summary_alone_is_an_empty_report() {
    let file = read(
        &br#"{"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0, "checkov_version": "3.3.30"}"#[..],
        "empty.json",
        None,
    )
    .unwrap();
    assert!(file.imports[0].findings.is_empty());
    assert_eq!(file.imports[0].tool.version.as_deref(), Some("3.3.30"));
}

#[test]
fn truncated_json_names_line_and_column() {
    let cut = &CHECKOV_OK[..CHECKOV_OK.len() - 40];
    let (_, line, message, text) = invalid(cut.as_bytes(), None);
    assert!(line > 0, "{text}");
    assert!(message.contains("EOF"), "{message}");
}

const OCSF_RECORD: &str = r#"{"metadata": {"event_code": "iam_root_mfa_enabled", "product": {"name": "Prowler", "version": "5.40.0"}},
  "class_uid": 2004, "status_code": "PASS", "status_id": 1, "severity_id": 5,
  "resources": [{"uid": "arn:aws:iam::1:root", "region": "us-east-1"}],
  "cloud": {"account": {"uid": "1"}, "provider": "aws"}}"#;

#[test]
fn ocsf_record_without_a_check_id() {
    let no_id = OCSF_RECORD.replace(r#""event_code": "iam_root_mfa_enabled", "#, "");
    let bytes = format!("[{OCSF_RECORD}, {no_id}]");
    let (pointer, _, message, text) = invalid(bytes.as_bytes(), None);
    assert_eq!(pointer, "/1/metadata");
    assert!(message.contains("no check ID"), "{message}");
    assert!(text.contains("not a valid Prowler OCSF file"), "{text}");

    // finding_info.analytic.uid stands in for event_code.
    let analytic = no_id.replace(
        r#""class_uid""#,
        r#""finding_info": {"analytic": {"uid": "iam_root_mfa_enabled"}}, "class_uid""#,
    );
    let file = read(
        format!("[{analytic}]").as_bytes(),
        "x",
        Some(Format::ProwlerOcsf),
    )
    .unwrap();
    assert_eq!(file.imports[0].checks[0].key.id, "iam_root_mfa_enabled");
}

#[test]
fn ocsf_statuses() {
    let status = |code: &str, status_id: u8| {
        let record = OCSF_RECORD
            .replace(
                r#""status_code": "PASS""#,
                &format!(r#""status_code": "{code}""#),
            )
            .replace(r#""status_id": 1"#, &format!(r#""status_id": {status_id}"#));
        read(format!("[{record}]").as_bytes(), "x.json", None)
            .map(|f| f.imports[0].findings[0].outcome.as_str())
    };
    assert_eq!(status("PASS", 1).unwrap(), "pass");
    assert_eq!(status("PASS", 3).unwrap(), "pass");
    assert_eq!(status("FAIL", 1).unwrap(), "fail");
    assert_eq!(status("FAIL", 3).unwrap(), "excepted");
    assert_eq!(status("MUTED", 1).unwrap(), "excepted");
    assert_eq!(status("MANUAL", 1).unwrap(), "unknown");
    let e = status("MAYBE", 1).unwrap_err().to_string();
    assert!(e.contains("/0/status_code") && e.contains("MAYBE"), "{e}");

    let object = error(OCSF_RECORD.as_bytes(), Some(Format::ProwlerOcsf)).to_string();
    assert!(
        object.contains("JSON array of OCSF Detection Findings"),
        "{object}"
    );
    let other_class = OCSF_RECORD.replace("2004", "2003");
    let (pointer, _, _, _) = invalid(format!("[{other_class}]").as_bytes(), None);
    assert_eq!(pointer, "/0/class_uid");
}

const SARIF_OK: &str = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Trivy", "version": "0.60.0",
  "rules": [{"id": "AVD-AWS-0086", "shortDescription": {"text": "S3 blocks public ACLs"},
             "helpUri": "https://avd.example/AVD-AWS-0086", "properties": {"security-severity": "8.1"}}]}},
  "results": [{"ruleId": "AVD-AWS-0086", "ruleIndex": 0, "level": "error",
    "message": {"text": "No public access block"},
    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "main.tf"}, "region": {"startLine": 3, "endLine": 9}}}]}]}]}"#;

#[test]
fn a_valid_sarif_log_for_comparison() {
    let file = read(SARIF_OK.as_bytes(), "trivy.sarif", None).unwrap();
    let import = &file.imports[0];
    assert_eq!(import.tool.key(), "trivy");
    assert_eq!(
        import.findings[0].severity,
        Some(testat_import::Severity::High)
    );
    assert_eq!(
        import.checks[0].references,
        ["https://avd.example/AVD-AWS-0086"]
    );
}

#[test]
fn sarif_logs_that_fail_the_schema() {
    for (from, to, pointer, says) in [
        (
            r#""version": "2.1.0""#,
            r#""version": "2.0.0""#,
            "/version",
            "not \"2.1.0\"",
        ),
        (
            r#""level": "error""#,
            r#""level": "fatal""#,
            "/runs/0/results/0/level",
            "unknown variant",
        ),
        (
            r#""message": {"text": "No public access block"}"#,
            r#""message": {}"#,
            "/runs/0/results/0/message",
            "text",
        ),
        (
            r#""message": {"text": "No public access block"},"#,
            "",
            "/runs/0/results/0",
            "missing field `message`",
        ),
        (
            r#""name": "Trivy", "#,
            "",
            "/runs/0/tool/driver",
            "missing field `name`",
        ),
        (
            r#""ruleId": "AVD-AWS-0086", "ruleIndex": 0, "#,
            "",
            "/runs/0/results/0",
            "names no rule",
        ),
        (
            r#""startLine": 3"#,
            r#""startLine": -3"#,
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            "invalid value",
        ),
        (
            r#""level": "error""#,
            r#""suppressions": [{"kind": "inComment"}]"#,
            "/runs/0/results/0/suppressions/0/kind",
            "unknown variant",
        ),
        (
            r#""runs": ["#,
            r#""runs": {"a": ["#,
            "/runs",
            "invalid type",
        ),
    ] {
        let bytes = SARIF_OK.replace(from, to);
        let bytes = if from.starts_with(r#""runs""#) {
            bytes.replacen("]}]}", "]}]}}", 1)
        } else {
            bytes
        };
        assert_ne!(bytes, SARIF_OK, "{from}");
        let (got, _, message, text) = invalid(bytes.as_bytes(), Some(Format::Sarif));
        assert_eq!(got, pointer, "{text}");
        assert!(message.contains(says), "{text}");
    }
    let no_version = SARIF_OK.replace(r#""version": "2.1.0", "#, "");
    let (_, _, message, _) = invalid(no_version.as_bytes(), Some(Format::Sarif));
    assert!(message.contains("no `version`"), "{message}");
}

#[test]
fn sarif_kinds_and_suppressions() {
    let outcome = |extra: &str| {
        let bytes = SARIF_OK.replace(r#""level": "error""#, extra);
        let file = read(bytes.as_bytes(), "x.sarif", None).unwrap();
        let import = &file.imports[0];
        (
            import
                .findings
                .first()
                .map(|f| (f.outcome.as_str(), f.justification.clone())),
            import.problems.clone(),
        )
    };
    assert_eq!(outcome(r#""kind": "pass""#).0, Some(("pass", None)));
    assert_eq!(outcome(r#""kind": "review""#).0, Some(("unknown", None)));
    let (finding, problems) = outcome(r#""kind": "notApplicable""#);
    assert_eq!(finding, None);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        outcome(
            r#""suppressions": [{"kind": "external", "justification": "Risk accepted (SEC-12)"}]"#
        )
        .0,
        Some(("excepted", Some("Risk accepted (SEC-12)".to_owned())))
    );
    assert_eq!(
        outcome(r#""suppressions": [{"kind": "external", "status": "underReview", "justification": "?"}]"#).0,
        Some(("fail", None))
    );
    assert_eq!(outcome(r#""suppressions": []"#).0, Some(("fail", None)));
}

#[test]
fn sarif_runs_of_different_tools_are_separate_imports() {
    let two = SARIF_OK.replace(
        r#""runs": ["#,
        r#""runs": [{"tool": {"driver": {"name": "CodeQL", "semanticVersion": "2.20.0"}}, "results": []}, "#,
    );
    let file = read(two.as_bytes(), "x.sarif", None).unwrap();
    let names: Vec<_> = file.imports.iter().map(|i| i.tool.name.as_str()).collect();
    assert_eq!(names, ["CodeQL", "Trivy"]);
}
