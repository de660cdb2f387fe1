//! C5 versions on the command line: choosing one (flag, environment, settings file,
//! store), keeping one engagement on one version, and the June 2027 refusals.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{in_dir, repo_root, testat};

const NOW: &str = "2027-09-01T10:00:00Z";

fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `(id, domain, title, sub-criteria)` of every row of the C5:2026 reference.
fn reference_2026() -> Vec<(String, String, String, Vec<String>)> {
    let path = repo_root().join("crates/testat-catalog/tests/reference/c5-2026-criteria.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, domain, title, subs) = (col("id"), col("domain"), col("title"), col("subcriteria"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (
                cells[id].to_owned(),
                cells[domain].to_owned(),
                cells[title].to_owned(),
                cells[subs].split_whitespace().map(str::to_owned).collect(),
            )
        })
        .collect()
}

fn level_of(id: &str) -> &'static str {
    if id.ends_with("AS") {
        "sharpening"
    } else if id.ends_with("AC") {
        "complementing"
    } else {
        "basic"
    }
}

#[test]
fn catalog_list_under_c5_2026_matches_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let output = in_dir(dir.path(), NOW, "t")
        .args(["--c5", "2026", "catalog", "list", "-f", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let doc = json(&output.stdout);
    assert_eq!(doc["catalog"]["name"], "C5:2026");
    let criteria = doc["criteria"].as_array().unwrap();
    let reference = reference_2026();
    assert_eq!(criteria.len(), 174);
    assert_eq!(reference.len(), 174);
    let mut subs = 0;
    for (ours, (id, domain, title, theirs)) in criteria.iter().zip(&reference) {
        assert_eq!(ours["id"], id.as_str());
        assert_eq!(ours["domain"], domain.as_str());
        assert_eq!(ours["title"], title.as_str(), "{id}");
        let listed: Vec<(String, String)> = ours["subcriteria"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (
                            s["id"].as_str().unwrap().to_owned(),
                            s["level"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<(String, String)> = theirs
            .iter()
            .map(|s| (s.clone(), level_of(s).to_owned()))
            .collect();
        assert_eq!(listed, expected, "{id}");
        subs += listed.len();
    }
    assert_eq!(subs, 623);
    let domains: Vec<&str> = criteria
        .iter()
        .map(|c| c["domain"].as_str().unwrap())
        .filter(|d| *d != "GC")
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(domains.len(), 17);

    // The default stays C5:2020.
    let output = in_dir(dir.path(), NOW, "t")
        .args(["catalog", "list", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(
        json(&output.stdout)["criteria"].as_array().unwrap().len(),
        121
    );
}

#[test]
fn the_environment_and_the_settings_file_choose_the_version_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let count = |cmd: &mut assert_cmd::Command| {
        let output = cmd
            .args(["catalog", "list", "-f", "json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        json(&output.stdout)["criteria"].as_array().unwrap().len()
    };
    assert_eq!(
        count(in_dir(dir.path(), NOW, "t").env("TESTAT_C5", "2026")),
        174
    );
    std::fs::write(
        dir.path().join("testat.toml"),
        "[catalog]\nversion = 2026\n",
    )
    .unwrap();
    assert_eq!(count(&mut in_dir(dir.path(), NOW, "t")), 174);
    assert_eq!(
        count(in_dir(dir.path(), NOW, "t").env("TESTAT_C5", "2020")),
        121
    );
    assert_eq!(
        count(
            in_dir(dir.path(), NOW, "t")
                .env("TESTAT_C5", "2020")
                .args(["--c5", "2026"])
        ),
        174
    );
    let output = in_dir(dir.path(), NOW, "t")
        .env("TESTAT_C5", "2019")
        .args(["catalog", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("TESTAT_C5"), "{}", stderr(&output));
    let output = testat()
        .args(["--c5", "2021", "catalog", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("use 2020 or 2026"),
        "{}",
        stderr(&output)
    );
}

/// Creates a store in `dir` with `args` after `init`.
fn init(dir: &Path, args: &[&str]) {
    let output = in_dir(dir, "2026-01-05T09:00:00Z", "alice")
        .arg("init")
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn the_store_keeps_its_version_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, &["--c5", "2026"]);
    // Without a flag, the store's version is used.
    let output = in_dir(d, NOW, "t")
        .args(["catalog", "list", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(
        json(&output.stdout)["criteria"].as_array().unwrap().len(),
        174
    );
    let output = in_dir(d, NOW, "t")
        .args(["status", "-f", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let status = json(&output.stdout);
    assert_eq!(status["criteria"].as_array().unwrap().len(), 174);
    // The same version named again is fine; another is refused before anything runs.
    let output = in_dir(d, NOW, "t")
        .args(["--c5", "2026", "status"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    for command in [
        vec!["--c5", "2020", "status"],
        vec![
            "--c5",
            "2020",
            "assess",
            "--type",
            "1",
            "--at",
            "2027-05-01",
        ],
        vec!["--c5", "2020", "catalog", "list"],
    ] {
        let output = in_dir(d, NOW, "t").args(&command).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command:?}");
        let e = stderr(&output);
        assert!(
            e.contains("this store is a C5:2026 engagement, but the command line asks for C5:2020")
                && e.contains("one engagement uses one C5 version")
                && e.contains("hint:"),
            "{e}"
        );
    }
    let output = in_dir(d, NOW, "t")
        .env("TESTAT_C5", "2020")
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("TESTAT_C5 asks for C5:2020"),
        "{}",
        stderr(&output)
    );

    // A store created without --c5 is a C5:2020 store.
    let old = tempfile::tempdir().unwrap();
    init(old.path(), &[]);
    let output = in_dir(old.path(), NOW, "t")
        .args(["--c5", "2026", "status"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("this store is a C5:2020 engagement, but the command line asks for C5:2026"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn c5_2020_reports_from_june_2027_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, &[]);
    let run = |args: &[&str]| in_dir(d, NOW, "t").args(args).output().unwrap();
    let mut refusals = BTreeMap::new();
    for (name, args) in [
        (
            "type 1 on the day",
            vec!["assess", "--type", "1", "--at", "2027-06-01"],
        ),
        ("type 1 today", vec!["assess", "--type", "1"]),
        (
            "type 2 from the day",
            vec![
                "assess",
                "--type",
                "2",
                "--from",
                "2027-06-01",
                "--to",
                "2027-08-31",
            ],
        ),
        (
            "report type 2",
            vec![
                "report",
                "--type",
                "2",
                "--from",
                "2027-07-01",
                "--to",
                "2027-08-31",
                "--format",
                "json",
            ],
        ),
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        refusals.insert(name, stderr(&output));
    }
    let e = &refusals["type 1 on the day"];
    assert!(
        e.contains("a C5:2020 Type 1 report dated 2027-06-01 cannot be made")
            && e.contains("on or after 2027-06-01 must use C5:2026")
            && e.contains("testat transition --to 2026")
            && e.contains("testat init --c5 2026"),
        "{e}"
    );
    assert!(refusals["type 1 today"].contains("dated 2027-09-01"));
    for name in ["type 2 from the day", "report type 2"] {
        let e = &refusals[name];
        assert!(
            e.contains("a C5:2020 Type 2 period starting 2027-")
                && e.contains("periods starting on or after 2027-06-01 must use C5:2026"),
            "{name}: {e}"
        );
    }
    // The day before, and a period that starts before it, are still C5:2020's.
    for args in [
        vec![
            "assess",
            "--type",
            "1",
            "--at",
            "2027-05-31",
            "--format",
            "json",
        ],
        vec![
            "assess",
            "--type",
            "2",
            "--from",
            "2026-06-01",
            "--to",
            "2027-07-31",
            "--format",
            "json",
        ],
    ] {
        let output = run(&args);
        assert!(
            output.status.code() != Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // A C5:2026 store makes them.
    let new = tempfile::tempdir().unwrap();
    init(new.path(), &["--c5", "2026"]);
    let output = in_dir(new.path(), NOW, "t")
        .args([
            "assess",
            "--type",
            "1",
            "--at",
            "2027-06-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.code() != Some(2), "{}", stderr(&output));
    let doc = json(&output.stdout);
    assert_eq!(doc["criteria"].as_array().unwrap().len(), 174);
}

#[cfg(unix)]
#[test]
fn reports_written_with_out_get_the_mode_of_a_new_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, &[]);
    let bin = assert_cmd::cargo::cargo_bin("testat");
    for (umask, mode) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
        let name = format!("report-{umask}.json");
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" report --type 1 --at 2026-06-01 --format json --out {name}"
            ))
            .arg(&bin)
            .current_dir(d)
            .env("TESTAT_NOW", NOW)
            .env("TESTAT_ACTOR", "t")
            .env_remove("TESTAT_DATABASE_URL")
            .env_remove("TESTAT_C5")
            .status()
            .unwrap();
        assert!(status.success(), "umask {umask}");
        let found = std::fs::metadata(d.join(&name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(found, mode, "umask {umask}: {found:o}");
    }
}

#[test]
fn the_crosswalk_is_shown_both_ways_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = in_dir(dir.path(), NOW, "t").args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let all = json(run(&["catalog", "crosswalk", "-f", "json"]).as_bytes());
    let pairs = all["pairs"].as_array().unwrap();
    let olds: std::collections::BTreeSet<&str> =
        pairs.iter().filter_map(|p| p["c5_2020"].as_str()).collect();
    let news: std::collections::BTreeSet<&str> =
        pairs.iter().filter_map(|p| p["c5_2026"].as_str()).collect();
    assert_eq!((olds.len(), news.len()), (121, 174));

    // IDM-01 is a 2020 ID: its pairs lead to IAM-01. IAM-01 is a 2026 ID: back to IDM-01.
    let from_old = json(run(&["catalog", "crosswalk", "idm-01", "-f", "json"]).as_bytes());
    assert!(
        from_old["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["c5_2020"] == "IDM-01")
    );
    assert!(
        from_old["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["c5_2026"] == "IAM-01")
    );
    let from_new = json(run(&["catalog", "crosswalk", "IAM-01", "-f", "json"]).as_bytes());
    assert!(
        from_new["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["c5_2026"] == "IAM-01")
    );
    // CRY-01 is in both: pairs of either side.
    let both = json(run(&["catalog", "crosswalk", "CRY-01", "-f", "json"]).as_bytes());
    let both = both["pairs"].as_array().unwrap();
    assert!(
        both.iter()
            .any(|p| p["c5_2020"] == "CRY-01" && p["c5_2026"] == "CRY-11")
    );
    assert!(
        both.iter()
            .all(|p| p["c5_2020"] == "CRY-01" || p["c5_2026"] == "CRY-01")
    );

    let csv = run(&["catalog", "crosswalk", "IAM-01", "-f", "csv"]);
    assert!(
        csv.starts_with("c5_2020,title_2020,relation,c5_2026,title_2026,reason\n"),
        "{csv}"
    );
    assert!(csv.contains("IDM-01,"), "{csv}");
    let table = run(&["catalog", "crosswalk", "GC-02"]);
    assert!(
        table.contains("new") && table.contains("GC-02") && table.contains("1 pairs"),
        "{table}"
    );

    let output = in_dir(dir.path(), NOW, "t")
        .args(["catalog", "crosswalk", "XYZ-01"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("XYZ-01"), "{}", stderr(&output));
}

#[test]
fn rules_coverage_under_c5_2026_counts_rules_and_evidence_only() {
    let dir = tempfile::tempdir().unwrap();
    let output = in_dir(dir.path(), NOW, "t")
        .args(["--c5", "2026", "rules", "coverage", "-f", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let doc = json(&output.stdout);
    assert_eq!(doc["catalog"], "C5:2026");
    let criteria = doc["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 174);
    for c in criteria {
        let by_rules = !c["rules"].as_array().unwrap().is_empty();
        assert_eq!(
            c["covered_by"],
            if by_rules { "rules" } else { "evidence" },
            "{c}"
        );
        for sub in c["subcriteria"].as_array().unwrap() {
            assert!(sub.as_str().unwrap().starts_with(c["id"].as_str().unwrap()));
        }
    }
    let text = in_dir(dir.path(), NOW, "t")
        .args(["--c5", "2026", "rules", "coverage"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("C5:2026: ") && text.contains("only by evidence or attestation"),
        "{text}"
    );
}

#[test]
fn reports_and_the_handout_of_a_c5_2026_engagement_follow_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, &["--c5", "2026"]);
    // Evidence names criteria of the engagement's version.
    let output = in_dir(d, "2027-05-01T09:00:00Z", "alice")
        .args([
            "evidence",
            "add",
            "--criterion",
            "GC-01",
            "--note",
            "locations statement",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    // Something partly met, so that the POA&M has an item.
    let output = in_dir(d, "2027-05-01T09:00:00Z", "alice")
        .args([
            "attest",
            "IAM-01",
            "--status",
            "partial",
            "--statement",
            "Reviews started",
            "--owner",
            "ciso",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let out = tempfile::tempdir().unwrap();
    let pdftotext = testat_test_support::tool_available(
        "pdftotext",
        "the PDF part of the C5:2026 report test",
        "apt-get install poppler-utils",
    );
    for (format, extension, validator) in [
        ("oscal", "oscal.json", Some("oscal-ar")),
        ("oscal-poam", "poam.json", Some("oscal-poam")),
        ("html", "html", Some("html")),
        ("json", "json", Some("assessment-json")),
        ("md", "md", None),
        ("pdf", "pdf", None),
    ] {
        if format == "pdf" && !pdftotext {
            continue;
        }
        let file = out.path().join(format!("report.{extension}"));
        let output = in_dir(d, NOW, "t")
            .args([
                "report",
                "--type",
                "1",
                "--at",
                "2027-06-01",
                "--format",
                format,
                "--out",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        if let Some(kind) = validator {
            drop(testat_test_support::validate(kind, &file));
        }
        let text = if format == "pdf" {
            let o = std::process::Command::new("pdftotext")
                .arg(&file)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout).into_owned()
        } else {
            std::fs::read_to_string(&file).unwrap()
        };
        assert!(text.contains("C5:2026"), "{format}");
        if format != "oscal-poam" {
            assert!(text.contains("GC-01") || text.contains("gc-01"), "{format}");
        }
    }
    let output = in_dir(d, NOW, "t")
        .args(["report", "customer", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("C5:2026") && !text.contains("C5:2020"),
        "{text}"
    );
}

#[test]
fn type_2_failure_intervals_of_a_c5_2026_engagement_sit_under_its_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d, &["--c5", "2026"]);
    std::fs::create_dir(d.join("k8s")).unwrap();
    let pod = |privileged: bool| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: web, namespace: shop}}\nspec:\n  \
             containers:\n    - name: web\n      image: nginx:1.25\n      \
             securityContext: {{privileged: {privileged}}}\n"
        )
    };
    for (day, privileged) in [(3, false), (4, true), (5, true), (6, false)] {
        std::fs::write(d.join("k8s/pod.yaml"), pod(privileged)).unwrap();
        let scan = in_dir(d, &format!("2027-01-{day:02}T06:00:00Z"), "alice")
            .args(["scan", "k8s", "--record"])
            .output()
            .unwrap();
        assert!(
            matches!(scan.status.code(), Some(0 | 1)),
            "{}",
            stderr(&scan)
        );
    }
    let output = in_dir(d, "2027-01-10T06:00:00Z", "alice")
        .args([
            "assess",
            "--type",
            "2",
            "--from",
            "2027-01-03",
            "--to",
            "2027-01-07",
        ])
        .args(["-f", "json"])
        .output()
        .unwrap();
    let a = json(&output.stdout);
    assert_eq!(a["catalog"]["version"], "2026");
    let holding = |rule: &str| -> Vec<String> {
        a["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["failures"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|i| i["rule"] == rule))
            })
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // K8S-NO-PRIVILEGED names OPS-26.01B, OPS-31.02B and OPS-35.01B for C5:2026
    // (OPS-23 and OPS-24 for C5:2020): its interval sits under the 2026 criteria only.
    assert_eq!(holding("K8S-NO-PRIVILEGED"), ["OPS-26", "OPS-31", "OPS-35"]);
    let ops31 = a["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "OPS-31")
        .unwrap();
    let interval = ops31["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == "K8S-NO-PRIVILEGED")
        .unwrap();
    assert_eq!(interval["detected"], "2027-01-04T06:00:00Z");
    assert_eq!(interval["fixed"], "2027-01-06T06:00:00Z");
}
