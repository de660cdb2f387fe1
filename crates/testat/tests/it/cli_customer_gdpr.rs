//! CLI tests of `testat report customer --gdpr`: the handout's GDPR annex built from a
//! store made by the CLI and a `testat.toml` with locations, subservices and `[gdpr]`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::path::Path;

use serde_json::Value;

use crate::support::stdout;

const NOW: &str = "2026-03-01T10:00:00Z";

fn at(dir: &Path) -> assert_cmd::Command {
    crate::support::in_dir(dir, NOW, "alice")
}

const SETTINGS: &str = r#"
[service]
name = "Beispiel Cloud"
provider = "Beispiel GmbH"
incident_handling = "Incidents are handled by the provider's security team."

[[location]]
name = "Frankfurt"
country = "DE"
purposes = ["processing", "storage"]
regions = ["eu-central-1"]

[[location]]
name = "Virginia"
country = "US"
purposes = ["backup"]
operated_by = "Hyperscaler Inc."
transfer_mechanism = "SCC"
transfer_note = "module 3, processor to processor"

[[location]]
name = "Zurich"
country = "CH"
purposes = ["support"]

[[subservice]]
name = "Hyperscaler Inc."
provides = "IaaS hosting"
method = "carve-out"
transfer_mechanism = "adequacy-decision"

[[subservice]]
name = "Helpdesk Ltd."
provides = "First-level support"
method = "inclusive"
countries = ["IN"]

[[subservice]]
name = "Print GmbH"
provides = "Letters to customers"
method = "inclusive"
countries = ["AT"]

[gdpr]
breach_notification_hours = 24
"#;

/// A store with, under Art. 32(1)(a): CRY-01 met, CRY-02 partly met, CRY-03 not met;
/// under Art. 32(1)(b): OIS-04 met; under Art. 32(1)(c): OPS-06 not met; under
/// Art. 32(1)(d): nothing recorded.
fn project(settings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("testat.toml"), settings).unwrap();
    at(dir.path()).arg("init").assert().success();
    for (criterion, status) in [
        ("CRY-01", "implemented"),
        ("CRY-02", "implemented"),
        ("CRY-03", "planned"),
        ("OPS-06", "planned"),
        ("OIS-04", "implemented"),
    ] {
        at(dir.path())
            .args(["attest", criterion, "--status", status])
            .args(["--statement", "as described", "--owner", "CISO"])
            .assert()
            .success();
    }
    for criterion in ["CRY-01", "OIS-04"] {
        at(dir.path())
            .args(["evidence", "add", "--note", "policy and proof"])
            .args(["--criterion", criterion])
            .assert()
            .success();
    }
    dir
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["criterion"].as_str().unwrap())
        .collect()
}

fn point<'a>(gdpr: &'a Value, id: &str) -> &'a Value {
    gdpr["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn json_annex_holds_the_measures_transfers_breach_and_transparency() {
    let dir = project(SETTINGS);
    let text = stdout(at(dir.path()).args(["report", "customer", "--gdpr", "-f", "json"]));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema"], "testat-customer-handout/v1");
    let gdpr = &doc["gdpr"];
    assert_eq!(gdpr["as_of"], "2026-03-01");
    assert!(
        gdpr["disclaimer"]
            .as_str()
            .unwrap()
            .contains("not legal advice")
    );

    // The four points of Art. 32(1), in order, each filled from the mapping.
    let points: Vec<&str> = gdpr["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["art32.1.a", "art32.1.b", "art32.1.c", "art32.1.d"]);
    let a = point(gdpr, "art32.1.a");
    assert_eq!(a["label"], "Art. 32(1)(a)");
    assert_eq!(a["title"], "Pseudonymisation and encryption");
    assert_eq!(ids(&a["in_place"]), ["CRY-01"]);
    assert_eq!(a["in_place"][0]["status"], "met");
    assert_eq!(ids(&a["partly_in_place"]), ["CRY-02"]);
    assert_eq!(ids(&a["gaps"]), ["CRY-03"]);
    assert_eq!(a["gaps"][0]["status"], "not met");
    assert_eq!(ids(&a["not_assessed"]), ["CRY-04", "OPS-09", "OPS-11"]);
    let b = point(gdpr, "art32.1.b");
    assert_eq!(ids(&b["in_place"]), ["OIS-04"]);
    assert!(ids(&b["not_assessed"]).contains(&"PS-01"));
    let c = point(gdpr, "art32.1.c");
    assert_eq!(ids(&c["gaps"]), ["OPS-06"]);
    assert!(c["in_place"].as_array().unwrap().is_empty());
    let d = point(gdpr, "art32.1.d");
    assert!(d["in_place"].as_array().unwrap().is_empty());
    assert!(!d["not_assessed"].as_array().unwrap().is_empty());

    // A criterion not met is never a measure in place, under any point.
    for m in gdpr["measures"].as_array().unwrap() {
        for list in ["in_place", "partly_in_place"] {
            for crit in m[list].as_array().unwrap() {
                assert!(
                    crit["status"] == "met" || crit["status"] == "partly met",
                    "{} lists {crit} as {list}",
                    m["id"]
                );
            }
        }
        for crit in m["gaps"].as_array().unwrap() {
            assert_eq!(crit["status"], "not met");
        }
    }

    // Locations: EU not a transfer; US with its mechanism; CH without one.
    let locations: Vec<(&str, &str, &Value)> = gdpr["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["country"].as_str().unwrap(),
                l["transfer"].as_str().unwrap(),
                &l["mechanism"],
            )
        })
        .collect();
    assert_eq!(
        locations,
        [
            ("DE", "no transfer", &Value::Null),
            ("US", "transfer", &Value::from("SCC")),
            ("CH", "transfer, mechanism not declared", &Value::Null),
        ]
    );
    assert_eq!(
        gdpr["locations"][1]["mechanism_note"],
        "module 3, processor to processor"
    );
    // Subservices: the hoster by the US location it runs, the helpdesk by its own
    // country without a mechanism, the Austrian printer not a transfer.
    let subs = gdpr["subservices"].as_array().unwrap();
    assert_eq!(subs[0]["countries"], serde_json::json!(["US"]));
    assert_eq!(subs[0]["transfer"], "transfer");
    assert_eq!(subs[0]["mechanism"], "adequacy-decision");
    assert_eq!(subs[1]["transfer"], "transfer, mechanism not declared");
    assert_eq!(subs[1]["outside_eu_eea"], serde_json::json!(["IN"]));
    assert_eq!(subs[2]["transfer"], "no transfer");

    assert_eq!(gdpr["breach_notification"]["hours"], 24);
    assert_eq!(gdpr["transparency"]["period"], "2026");
    assert!(gdpr["transparency"]["report"].is_null(), "empty register");

    // Without --gdpr the handout has no annex, and the service description still
    // carries the declared fields.
    let plain: Value = serde_json::from_str(&stdout(
        at(dir.path()).args(["report", "customer", "-f", "json"]),
    ))
    .unwrap();
    assert!(plain.get("gdpr").is_none());
    assert_eq!(
        plain["service"]["locations"][1]["transfer_mechanism"],
        "SCC"
    );
    assert_eq!(plain["service"]["gdpr"]["breach_notification_hours"], 24);

    let file = dir.path().join("handout.json");
    std::fs::write(&file, text).unwrap();
    crate::support::validate("assessment-json", &file);
}

/// The lines of the Markdown section that starts at the line `start`, up to the next
/// heading of the same or a higher level.
fn section<'a>(md: &'a str, start: &str) -> Vec<&'a str> {
    let level = start.split(' ').next().unwrap().len();
    let mut lines = md.lines().skip_while(|l| *l != start);
    assert!(lines.next().is_some(), "no `{start}` in\n{md}");
    lines
        .take_while(|l| {
            let hashes = l.chars().take_while(|c| *c == '#').count();
            hashes == 0 || hashes > level
        })
        .collect()
}

#[test]
fn markdown_annex_never_shows_a_gap_as_a_measure_in_place() {
    let dir = project(SETTINGS);
    let md = stdout(at(dir.path()).args(["report", "customer", "--gdpr"]));
    assert!(md.contains("## GDPR annex: processing on behalf of the customer"));
    assert!(md.contains("not legal advice"), "{md}");

    let a = section(
        &md,
        "#### Art. 32\\(1\\)\\(a\\) Pseudonymisation and encryption",
    );
    let line = |label: &str| {
        a.iter()
            .find(|l| l.starts_with(&format!("- {label}")))
            .unwrap_or_else(|| panic!("no `{label}` under Art. 32(1)(a): {a:?}"))
            .to_string()
    };
    assert_eq!(
        line("In place"),
        "- In place (criterion met): CRY-01 Policy for the use of encryption procedures and key management"
    );
    assert!(line("Partly in place").contains("CRY-02"));
    assert!(line("Not in place, gap").contains("CRY-03"));
    assert!(!line("In place").contains("CRY-03"));
    assert!(!line("Partly in place").contains("CRY-03"));
    for point in [
        "#### Art. 32\\(1\\)\\(b\\) Confidentiality, integrity, availability and resilience",
        "#### Art. 32\\(1\\)\\(c\\) Restoring availability and access after an incident",
        "#### Art. 32\\(1\\)\\(d\\) Regular testing and evaluation",
    ] {
        let lines = section(&md, point);
        assert!(
            lines.iter().any(|l| l.starts_with("- ")),
            "{point} is empty"
        );
    }
    let c = section(
        &md,
        "#### Art. 32\\(1\\)\\(c\\) Restoring availability and access after an incident",
    );
    assert!(
        c.iter()
            .any(|l| l.starts_with("- Not in place, gap") && l.contains("OPS-06"))
    );
    assert!(
        c.contains(&"- In place: none shown by the C5 status"),
        "{c:?}"
    );
    assert!(!c.iter().any(|l| l.starts_with("- In place (")));

    let transfers = section(&md, "### Locations and transfers outside the EU/EEA");
    let row = |name: &str| {
        transfers
            .iter()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no row {name}"))
            .to_string()
    };
    assert!(row("Frankfurt").ends_with("| no transfer \\(EU/EEA\\) |"));
    assert!(
        row("Virginia").ends_with(
            "| transfer: standard contractual clauses \\(Art. 46\\(2\\)\\(c\\)\\) \\(module 3, processor to processor\\) |"
        ),
        "{}",
        row("Virginia")
    );
    assert!(row("Zurich").ends_with("| transfer: mechanism not declared |"));

    let breach = section(&md, "### Notification of personal data breaches");
    assert!(
        breach.iter().any(|l| l.contains("within 24 hours")),
        "{breach:?}"
    );
    let transparency = section(
        &md,
        "### Requests from authorities \\(transparency report\\)",
    );
    assert!(
        transparency
            .iter()
            .any(|l| l.starts_with("No register data") && l.contains("2026")),
        "{transparency:?}"
    );

    // Without the annex, none of it.
    let plain = stdout(at(dir.path()).args(["report", "customer"]));
    assert!(!plain.contains("GDPR annex"));
}

#[test]
fn undeclared_commitments_and_register_figures() {
    // No [gdpr] table: the deadline is "not declared". One request in the register:
    // the year's figures, banded.
    let settings = SETTINGS.replace("[gdpr]\nbreach_notification_hours = 24\n", "");
    let dir = project(&settings);
    at(dir.path())
        .args([
            "inquiry",
            "add",
            "--received",
            "2026-02-01",
            "--channel",
            "letter",
        ])
        .args(["--authority", "Some Prosecutor", "--country", "US"])
        .args([
            "--legal-basis",
            "18 U.S.C. 2703",
            "--kind",
            "data-disclosure",
        ])
        .args(["--handler", "Jo (legal)"])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(
        at(dir.path()).args(["report", "customer", "--gdpr", "-f", "json"]),
    ))
    .unwrap();
    let gdpr = &doc["gdpr"];
    assert!(gdpr["breach_notification"]["hours"].is_null());
    let report = &gdpr["transparency"]["report"];
    assert_eq!(report["period"], "2026");
    assert_eq!(report["total"]["display"], "0-9");
    let countries: Vec<&str> = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(countries, ["DE", "US", "other"]);

    let md = stdout(at(dir.path()).args(["report", "customer", "--gdpr"]));
    let breach = section(&md, "### Notification of personal data breaches");
    assert!(
        breach.iter().any(|l| l.contains("not declared")),
        "{breach:?}"
    );
    let transparency = section(
        &md,
        "### Requests from authorities \\(transparency report\\)",
    );
    assert!(
        transparency.contains(&"| Requests received | 0-9 |"),
        "{transparency:?}"
    );
    assert!(
        !transparency
            .iter()
            .any(|l| l.starts_with("No register data"))
    );
}

#[test]
fn html_and_pdf_carry_the_annex() {
    let dir = project(SETTINGS);
    let html = stdout(at(dir.path()).args(["report", "customer", "--gdpr", "-f", "html"]));
    assert!(html.contains(r#"<section class="tom" id="gdpr-art32-1-a" data-point="art32.1.a">"#));
    assert!(html.contains("transfer: mechanism not declared"));
    let gap = html
        .split(r#"id="gdpr-art32-1-a""#)
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    let (in_place, rest) = gap.split_once("Partly in place").unwrap();
    assert!(in_place.contains("CRY-01") && !in_place.contains("CRY-03"));
    assert!(rest.contains("CRY-03"));

    let pdf = dir.path().join("handout.pdf");
    at(dir.path())
        .args(["report", "customer", "--gdpr", "-f", "pdf", "--out"])
        .arg(&pdf)
        .assert()
        .success();
    if !testat_test_support::tool_available(
        "pdftotext",
        "the GDPR annex's PDF text",
        "install poppler-utils",
    ) {
        return;
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "GDPR annex",
        "Art. 32(1)(d) Regular testing and evaluation",
        "Not in place, gap (criterion not met): CRY-03",
        "mechanism not declared",
        "within 24 hours",
        "No register data",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

#[test]
fn the_annex_needs_a_store_and_the_plain_handout_does_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("testat.toml"), SETTINGS).unwrap();
    let out = at(dir.path())
        .args(["report", "customer", "--gdpr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Testat store here"));
    assert!(!dir.path().join(".testat").exists());
    at(dir.path())
        .args(["report", "customer"])
        .assert()
        .success();
}

#[test]
fn a_bad_transfer_mechanism_is_refused_with_its_place() {
    let settings = SETTINGS.replace(
        "transfer_mechanism = \"SCC\"",
        "transfer_mechanism = \"contract\"",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("testat.toml"), settings).unwrap();
    let out = at(dir.path())
        .args(["report", "customer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("testat.toml:") && err.contains("SCC"), "{err}");

    let settings = SETTINGS.replace(
        "transfer_mechanism = \"SCC\"",
        "transfer_mechanism = \"other\"",
    );
    let settings = settings.replace("transfer_note = \"module 3, processor to processor\"\n", "");
    std::fs::write(dir.path().join("testat.toml"), settings).unwrap();
    let out = at(dir.path())
        .args(["report", "customer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[[location]] 2 (Virginia): transfer_mechanism `other` needs a transfer_note"),
        "{err}"
    );
}
