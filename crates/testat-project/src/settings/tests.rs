#![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

use std::path::PathBuf;

use super::*;

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join(SETTINGS_FILE), text).unwrap();
}

#[test]
fn flags_beat_the_environment_which_beats_the_file_which_beats_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let none = Settings::resolve(dir, &Overrides::default(), &Environment::default()).unwrap();
    assert_eq!(none.file, None);
    assert_eq!(none.scan.fail_on, Severity::High);
    assert_eq!(none.actor, "unknown");
    assert_eq!(none.database, None);
    assert_eq!(none.external_catalog, None);
    assert_eq!(none.max_scan_gap().unwrap(), Duration::hours(36));

    write(
        dir,
        "[scan]\nfail_on = \"medium\"\nrules = [\"ours\"]\nskip_rules = [\"A\"]\ncriteria = [\"CRY-03\"]\nmax_file_size = 10\n[catalog]\nexternal = \"official.csv\"\n[assessment]\nmax_scan_gap = \"2d\"\n",
    );
    let env = Environment {
        database_url: Some("postgres://env".into()),
        actor: Some("env-actor".into()),
        catalog: Some(PathBuf::from("env.csv")),
        now: Some("2026-03-01T00:00:00Z".into()),
        login: Some("login".into()),
        server: Some("https://env.example/".into()),
        token: Some("env-token".into()),
    };
    let file_only = Settings::resolve(dir, &Overrides::default(), &Environment::default()).unwrap();
    assert_eq!(file_only.file, Some(PathBuf::from(SETTINGS_FILE)));
    assert_eq!(file_only.scan.fail_on, Severity::Medium);
    assert_eq!(file_only.scan.rule_dirs, [dir.join("ours")]);
    assert_eq!(file_only.scan.criteria, ["CRY-03"]);
    assert_eq!(file_only.scan.max_file_size, 10);
    assert_eq!(file_only.external_catalog, Some(dir.join("official.csv")));
    assert_eq!(file_only.max_scan_gap().unwrap(), Duration::hours(48));

    let with_env = Settings::resolve(dir, &Overrides::default(), &env).unwrap();
    assert_eq!(with_env.database.as_deref(), Some("postgres://env"));
    assert_eq!(with_env.actor, "env-actor");
    assert_eq!(with_env.external_catalog, Some(dir.join("env.csv")));
    assert_eq!(with_env.clock.today().to_string(), "2026-03-01");
    assert_eq!(
        with_env.server,
        Some(("https://env.example".into(), Some("env-token".into())))
    );

    let flags = Overrides {
        config: None,
        database: Some("sqlite:flag.db".into()),
        actor: Some("flag-actor".into()),
        catalog: Some(PathBuf::from("flag.csv")),
        server: None,
        token: Some("flag-token".into()),
        scan: ScanOverrides {
            rules: vec![PathBuf::from("more")],
            no_builtin_rules: true,
            fail_on: Some(Severity::Critical),
            criteria: vec!["OPS-12".into()],
            skip_rules: vec!["B".into()],
            max_file_size: Some(20),
            account_baseline: Vec::new(),
        },
    };
    let all = Settings::resolve(dir, &flags, &env).unwrap();
    assert_eq!(all.database.as_deref(), Some("sqlite:flag.db"));
    assert_eq!(all.actor, "flag-actor");
    assert_eq!(
        all.server,
        Some(("https://env.example".into(), Some("flag-token".into())))
    );
    assert_eq!(all.external_catalog, Some(dir.join("flag.csv")));
    assert!(!all.scan.builtin_rules);
    assert_eq!(all.scan.fail_on, Severity::Critical);
    // Folders and skipped rules add up; criteria replace.
    assert_eq!(all.scan.rule_dirs, [dir.join("ours"), dir.join("more")]);
    assert_eq!(all.scan.skip_rules, ["A", "B"]);
    assert_eq!(all.scan.criteria, ["OPS-12"]);
    assert_eq!(all.scan.max_file_size, 20);

    let login_only = Environment {
        login: Some("login".into()),
        ..Environment::default()
    };
    let login = Settings::resolve(dir, &Overrides::default(), &login_only).unwrap();
    assert_eq!(login.actor, "login");
}

#[test]
fn a_named_file_must_exist_and_errors_name_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let missing = Overrides {
        config: Some(PathBuf::from("other.toml")),
        ..Overrides::default()
    };
    let e = Settings::resolve(dir, &missing, &Environment::default()).unwrap_err();
    assert!(e.to_string().contains("other.toml"), "{e}");

    write(dir, "[scan]\nfail_on = \"medium\"\n\nnonsense = 1\n");
    let e = Settings::resolve(dir, &Overrides::default(), &Environment::default()).unwrap_err();
    assert!(e.to_string().contains("testat.toml:4:1"), "{e}");

    write(dir, "[assessment]\nmax_scan_gap = \"soon\"\n");
    let s = Settings::resolve(dir, &Overrides::default(), &Environment::default()).unwrap();
    let e = s.max_scan_gap().unwrap_err().to_string();
    assert!(e.contains("[assessment]") && e.contains("`soon`"), "{e}");
}

#[test]
fn rule_parameters_and_the_account_baseline_come_from_the_file_and_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "[scan]\naccount_baseline = [\"aws\"]\n\n[rules.AWS-CWL-RETENTION]\nmin_days = 400\nallow_unlimited = false\n",
    );
    let overrides = Overrides {
        scan: ScanOverrides {
            account_baseline: vec!["google".into(), "aws".into()],
            ..ScanOverrides::default()
        },
        ..Overrides::default()
    };
    let settings = Settings::resolve(dir, &overrides, &Environment::default()).unwrap();
    assert_eq!(settings.scan.account_baseline, ["aws", "google"]);
    let cwl = &settings.scan.parameters["AWS-CWL-RETENTION"];
    assert_eq!(cwl["min_days"], serde_json::json!(400));
    assert_eq!(cwl["allow_unlimited"], serde_json::json!(false));
    assert_eq!(settings.scan.settings_file, PathBuf::from(SETTINGS_FILE));
}
