//! The test inputs made again by their real producers, when those are installed:
//! the reader must see the same shape in the fresh output as in the copy in
//! tests/data (same checks, outcomes, resources and counts; order and paths may
//! differ).
//!
//! | producer | variable | .ci/run |
//! | --- | --- | --- |
//! | Checkov | `TESTAT_CHECKOV` (the `checkov` program) | from `validators/requirements-producers.txt` |
//! | Semgrep | `TESTAT_SEMGREP` (the `semgrep` program) | from `validators/requirements-producers.txt` |
//! | py-ocsf-models | `TESTAT_VALIDATOR_PYTHON` (a Python that has it) | from `validators/requirements.txt` |
//!
//! Without the variable the test is skipped loudly; with `CI=true` it fails instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use testat_import::{Format, Import, read_file};
use testat_test_support::{repo_root, skip_outside_ci};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The program named by `var`; `None` after a loud skip (a failure in CI).
fn producer(var: &str, what: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    skip_outside_ci(
        what,
        &format!(
            "{var} is not set; .ci/run installs the producers from validators/requirements*.txt and sets it"
        ),
    );
    None
}

fn run(command: &mut Command) -> std::process::Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    // Checkov exits with 1 when a check failed; anything else is trouble.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{command:?} exited with {:?}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// What must stay the same: per check, outcome, resource (SARIF: without the path,
/// which depends on where the tool ran) and justification, how often.
type Shape = BTreeMap<(String, String, String, Option<String>), usize>;

fn shape(import: &Import) -> Shape {
    let mut shape = Shape::new();
    for f in &import.findings {
        let resource = if import.format == Format::Sarif {
            f.resource.rsplit(':').next().unwrap_or("").to_owned()
        } else {
            f.resource.clone()
        };
        let key = (
            import.checks[f.check].key.id.clone(),
            f.outcome.as_str().to_owned(),
            resource,
            f.justification.clone(),
        );
        *shape.entry(key).or_insert(0) += 1;
    }
    shape
}

fn only(path: &Path) -> Import {
    let mut file = read_file(path, None).unwrap();
    assert_eq!(file.imports.len(), 1);
    file.imports.remove(0)
}

fn same_shape(stored: &str, fresh: &Path) {
    let old = only(&data(stored));
    let new = only(fresh);
    assert_eq!(
        old.tool.version, new.tool.version,
        "the producer's version changed: make tests/data/{stored} again (tests/data/README.md)"
    );
    assert_eq!(old.frameworks, new.frameworks, "{stored}: frameworks");
    let (old_shape, new_shape) = (shape(&old), shape(&new));
    if old_shape != new_shape {
        let gone: Vec<_> = old_shape
            .iter()
            .filter(|(k, v)| new_shape.get(*k) != Some(v))
            .collect();
        let came: Vec<_> = new_shape
            .iter()
            .filter(|(k, v)| old_shape.get(*k) != Some(v))
            .collect();
        panic!(
            "{stored}: the fresh output differs\nonly in the copy: {gone:#?}\nonly in the fresh output: {came:#?}"
        );
    }
}

#[test]
fn checkov_output_keeps_its_shape() {
    let Some(checkov) = producer("TESTAT_CHECKOV", "regenerating Checkov's test output") else {
        return;
    };
    let root = repo_root();
    for (dir, frameworks, json, sarif) in [
        (
            "examples",
            "terraform_plan kubernetes",
            "checkov-examples.json",
            "checkov-examples.sarif",
        ),
        (
            "crates/testat-import/tests/data/inputs/checkov",
            "terraform kubernetes",
            "checkov-suppressed.json",
            "checkov-suppressed.sarif",
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut command = Command::new(&checkov);
        command
            .current_dir(&root)
            .args(["-d", dir, "--framework"])
            .args(frameworks.split(' '))
            .args([
                "-o",
                "json",
                "-o",
                "sarif",
                "--compact",
                "--skip-download",
                "--output-file-path",
            ])
            .arg(out.path());
        run(&mut command);
        same_shape(json, &out.path().join("results_json.json"));
        same_shape(sarif, &out.path().join("results_sarif.sarif"));
    }
}

#[test]
fn semgrep_output_keeps_its_shape() {
    let Some(semgrep) = producer("TESTAT_SEMGREP", "regenerating Semgrep's test output") else {
        return;
    };
    // Semgrep ignores folders named tests/, so it runs on a copy.
    let work = tempfile::tempdir().unwrap();
    for name in ["rules.yaml", "app.py"] {
        std::fs::copy(data("inputs/semgrep").join(name), work.path().join(name)).unwrap();
    }
    let output = run(Command::new(&semgrep).current_dir(work.path()).args([
        "scan",
        "--config",
        "rules.yaml",
        "--sarif",
        "--metrics=off",
        "--disable-version-check",
        ".",
    ]));
    let fresh = work.path().join("fresh.sarif");
    std::fs::write(&fresh, &output.stdout).unwrap();
    same_shape("semgrep.sarif", &fresh);
}

#[test]
fn prowler_ocsf_files_come_from_the_generator() {
    let Some(python) = producer(
        "TESTAT_VALIDATOR_PYTHON",
        "regenerating the Prowler OCSF test files with py-ocsf-models",
    ) else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(&python)
        .arg(repo_root().join("validators/prowler_ocsf.py"))
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'py_ocsf_models'") {
        skip_outside_ci(
            "regenerating the Prowler OCSF test files",
            "py-ocsf-models is not installed in TESTAT_VALIDATOR_PYTHON: pip install -r validators/requirements.txt",
        );
        return;
    }
    assert!(output.status.success(), "{stderr}");
    for name in ["prowler-aws.ocsf.json", "prowler-gcp.ocsf.json"] {
        let fresh = std::fs::read(out.path().join(name)).unwrap();
        let stored = std::fs::read(data(name)).unwrap();
        assert!(
            fresh == stored,
            "{name} differs from what validators/prowler_ocsf.py writes now"
        );
    }
}
