#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]
//! Bad input: every case gives an `InputError` that names the file and the place, never
//! a panic, and never stops other files from being read.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use testat_inputs::{InputError, InputKind, InputSet, ReadOptions, read_paths};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

/// Reads one path named explicitly and returns the set.
fn read(path: &Path) -> InputSet {
    read_paths(&[path.to_path_buf()], &ReadOptions::default())
}

/// Reads bytes as a file named explicitly.
fn read_bytes(name: &str, bytes: impl Into<Vec<u8>>) -> InputSet {
    let mut set = InputSet::default();
    set.add_bytes(name.into(), bytes.into(), true, &ReadOptions::default());
    set.finish();
    set
}

/// The one problem of a set, as text, checked to start with the file and the place.
fn only_problem(set: &InputSet, starts_with: &str) -> String {
    assert_eq!(set.problems.len(), 1, "{:#?}", set.problems);
    let message = set.problems[0].to_string();
    assert!(
        message.starts_with(starts_with),
        "expected the message to start with {starts_with:?}:\n{message}"
    );
    message
}

fn place(path: &Path, place: &str) -> String {
    format!("{}{place}", path.display())
}

#[test]
fn malformed_json() {
    let path = corpus("malformed.json");
    let set = read(&path);
    let message = only_problem(
        &set,
        &place(&path, ":7:7: malformed JSON: expected `,` or `}`"),
    );
    assert!(message.contains("produce it again"), "{message}");
    assert!(set.resources.is_empty() && set.files.is_empty());
}

#[test]
fn truncated_plan() {
    let path = corpus("truncated-plan.json");
    let set = read(&path);
    let message = only_problem(&set, &place(&path, ":216:31: malformed JSON: EOF"));
    assert!(message.contains("cut off"), "{message}");
}

#[test]
fn unsupported_format_version() {
    let path = corpus("wrong-format-version.json");
    let set = read(&path);
    let message = only_problem(&set, &place(&path, ":2:21: at /format_version: "));
    assert!(
        message.contains(r#"version "2.0" is not supported"#),
        "{message}"
    );
    assert!(message.contains("0.x and 1.x"), "{message}");
    assert!(matches!(
        set.problems[0],
        InputError::UnsupportedVersion { .. }
    ));
}

#[test]
fn raw_tfstate_named_explicitly() {
    let path = corpus("terraform.tfstate");
    let set = read(&path);
    let message = only_problem(
        &set,
        &place(&path, ": this looks like a raw Terraform state file"),
    );
    assert!(
        message.contains("run `terraform show -json` on it"),
        "{message}"
    );
}

#[test]
fn billion_laughs_stops_with_an_error() {
    let path = corpus("billion-laughs.yaml");
    // Not a speed goal: a guard that the expansion is cut off instead of running away.
    let start = Instant::now();
    let set = read(&path);
    assert!(start.elapsed() < Duration::from_secs(30));
    let message = only_problem(&set, &place(&path, ":6:"));
    assert!(message.contains("at /0: document 1"), "{message}");
    assert!(message.contains("billion laughs"), "{message}");
    assert!(set.resources.is_empty());
}

#[test]
fn quadratic_alias_expansion_stops_with_an_error() {
    // Many aliases of one large anchor: linear in the number of aliases but with a big
    // factor. `serde_norway`'s own repetition limit allows 100 jumps per event.
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: q\ndata:\n  a: &a [");
    text.push_str(&vec!["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; 2000].join(", "));
    text.push_str("]\n  b: [");
    text.push_str(&vec!["*a"; 50_000].join(", "));
    text.push_str("]\n");
    let set = read_bytes("q.yaml", text);
    let message = only_problem(&set, "q.yaml:");
    assert!(message.contains("billion laughs"), "{message}");
}

#[test]
fn invalid_utf8() {
    let path = corpus("invalid-utf8.yaml");
    let set = read(&path);
    let message = only_problem(&set, &place(&path, ":4:12: invalid UTF-8 (byte 52)"));
    assert!(message.contains("save the file as UTF-8"), "{message}");
}

#[test]
fn utf16_le_with_bom_reads_fine() {
    let path = corpus("utf16le-bom.yaml");
    let set = read(&path);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.resources.len(), 1);
    assert_eq!(set.resources[0].address, "ConfigMap/default/grüße");
    assert_eq!(
        set.values(&set.resources[0]).unwrap()["data"]["greeting"],
        "Grüß Gott"
    );
    let file = &set.files[0];
    let raw = fs::read(&path).unwrap();
    assert_eq!(file.size, raw.len() as u64);
    // A manifest's text is not kept: its objects hold their own.
    assert!(file.text.is_empty());

    let path = corpus("utf16le-bom-plan.json");
    let set = read(&path);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.files[0].kind, InputKind::TerraformPlan);
    assert!(set.files[0].text.starts_with('{'));
    assert_eq!(set.resources[0].address, "aws_s3_bucket.logs");
    assert_eq!(
        set.values(&set.resources[0]).unwrap()["bucket"],
        "acme-logs"
    );
}

#[test]
fn utf8_bom_plan_reads_fine() {
    let path = corpus("utf8-bom-plan.json");
    let set = read(&path);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let resource = &set.resources[0];
    assert_eq!(resource.address, "aws_s3_bucket.logs");
    assert_eq!(resource.pointer, "/resource_changes/0/change/after");
    // The BOM is gone from the text; line and column are in the text.
    assert_eq!((resource.line, resource.column), (16, 18));
    assert_eq!(set.unknown(resource).unwrap().unwrap()["id"], true);
}

#[test]
fn empty_file() {
    let path = corpus("empty.json");
    let set = read(&path);
    let message = only_problem(&set, &place(&path, ": the file is empty"));
    assert!(message.contains("Terraform plan JSON"), "{message}");
    let set = read_bytes("blank.yaml", " \n\t\n");
    only_problem(&set, "blank.yaml: the file is empty");
}

#[test]
fn yaml_document_without_kind() {
    let path = corpus("no-kind.yaml");
    let set = read(&path);
    // The good document is still read.
    assert_eq!(set.resources.len(), 1);
    assert_eq!(set.resources[0].address, "Deployment/shop/api");
    let message = only_problem(
        &set,
        &place(
            &path,
            ":14:1: document 2 (pointer /1) is not a Kubernetes object",
        ),
    );
    assert!(message.contains("no `apiVersion` and `kind`"), "{message}");
}

#[test]
fn yaml_documents_that_are_not_kubernetes_named_explicitly() {
    let set = read_bytes(
        "compose.yaml",
        "services:\n  web:\n    image: nginx\n---\n- a\n- b\n",
    );
    assert_eq!(set.problems.len(), 2, "{:?}", set.problems);
    assert!(
        set.problems[0]
            .to_string()
            .starts_with("compose.yaml:1:1: document 1 ")
    );
    assert!(
        set.problems[1]
            .to_string()
            .starts_with("compose.yaml:5:1: document 2 ")
    );
    assert!(set.problems[1].to_string().contains("it is a list"));
    assert!(set.files.is_empty());
}

#[test]
fn helm_template_gets_a_hint() {
    let path = corpus("helm-template.yaml");
    let set = read(&path);
    let message = only_problem(&set, &place(&path, ":4:28: malformed YAML: document 1: "));
    assert!(message.contains("helm template"), "{message}");
}

#[test]
fn yaml_tags_are_a_problem_of_their_document_only() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: !Ref y\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
    let set = read_bytes("tags.yaml", text);
    let message = only_problem(&set, "tags.yaml:1:1: at /0: document 1: YAML tags");
    assert!(message.contains("remove the tag"), "{message}");
    assert_eq!(set.resources.len(), 1);
    assert_eq!(set.resources[0].address, "ConfigMap/b");
}

#[test]
fn yaml_syntax_error_after_good_documents() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n";
    let set = read_bytes("broken.yaml", text);
    // The parser cannot resume after a syntax error: the documents before it are kept.
    assert_eq!(set.resources.len(), 1);
    let message = only_problem(&set, "broken.yaml:7:1: malformed YAML: document 2: ");
    assert!(message.contains("did not find expected"), "{message}");
}

fn nested(depth: usize) -> (String, String) {
    ("[".repeat(depth), "]".repeat(depth))
}

#[test]
fn json_nested_100000_levels_in_a_manifest() {
    let (open, close) = nested(100_000);
    let text = format!(r#"{{"apiVersion":"v1","kind":"ConfigMap","data":{{"x":{open}{close}}}}}"#);
    let set = read_bytes("deep.json", text);
    let message = only_problem(&set, "deep.json:1:");
    assert!(message.contains("recursion limit exceeded"), "{message}");
    assert!(message.contains("nested more than 128 levels"), "{message}");
}

#[test]
fn json_nested_100000_levels_in_plan_values() {
    // Deep values are kept as raw text while reading; the error comes when the rule
    // engine asks for the values, and names the file, the line and column and the pointer.
    let (open, close) = nested(100_000);
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[{{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","provider_name":"registry.terraform.io/hashicorp/aws","change":{{"actions":["create"],"before":{open}{close},"after":{{"bucket":{open}{close}}}}}}}]}}"#
    );
    let set = read_bytes("deep-plan.json", text);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let resource = &set.resources[0];
    let error = set.values(resource).unwrap_err().to_string();
    assert!(error.starts_with("deep-plan.json:1:"), "{error}");
    assert!(error.contains("recursion limit exceeded"), "{error}");
}

#[test]
fn json_nested_100000_levels_elsewhere() {
    let (open, close) = nested(100_000);
    // In a key nobody reads: skipped without recursion.
    let set = read_bytes("deep-other.json", format!(r#"{{"x":{open}{close}}}"#));
    only_problem(&set, "deep-other.json: found a JSON object with the keys x");
    // In the configuration's expressions, which are walked.
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[],"configuration":{{"root_module":{{"resources":[{{"address":"a.b","expressions":{{"x":{open}{close}}}}}]}}}}}}"#
    );
    let set = read_bytes("deep-config.json", text);
    let message = only_problem(&set, "deep-config.json:1:");
    assert!(message.contains("recursion limit exceeded"), "{message}");
    // Unclosed, at the top level.
    let set = read_bytes("deep-top.json", format!(r#"{{"format_version":{open}"#));
    only_problem(&set, "deep-top.json:1:");
}

#[test]
fn yaml_nested_deeply() {
    let (open, close) = nested(100_000);
    // libyaml's time grows with the square of the flow depth: a pre-scan stops it first.
    let set = read_bytes(
        "deep.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\ndata: {open}{close}\n"),
    );
    let message = only_problem(&set, "deep.yaml:3:207: malformed YAML: flow collections");
    assert!(message.contains("nested more than 200 levels"), "{message}");
    let set = read_bytes("unclosed.yaml", format!("a: {open}\n"));
    only_problem(&set, "unclosed.yaml:1:204: ");
    // Below the pre-scan's limit, `serde_norway`'s own recursion limit (128) applies.
    let (open, close) = nested(150);
    let set = read_bytes(
        "deep150.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\ndata: {open}{close}\n"),
    );
    let message = only_problem(&set, "deep150.yaml:3:");
    assert!(message.contains("recursion limit exceeded"), "{message}");
    assert!(message.contains("nested more than 128 levels"), "{message}");
    // Deep block nesting (`- - - …`) is linear for libyaml; the recursion limit applies.
    let set = read_bytes(
        "deep-block.yaml",
        format!(
            "apiVersion: v1\nkind: List\nitems:\n{}x\n",
            "- ".repeat(100_000)
        ),
    );
    let message = only_problem(&set, "deep-block.yaml:4:");
    assert!(message.contains("recursion limit exceeded"), "{message}");
}

#[test]
fn modules_nested_too_deep() {
    let depth = 60;
    let text = format!(
        r#"{{"format_version":"1.0","values":{{"root_module":{}{{}}{}}}}}"#,
        r#"{"child_modules":["#.repeat(depth),
        "]}".repeat(depth)
    );
    let set = read_bytes("deep-modules.json", text);
    let message = only_problem(
        &set,
        "deep-modules.json: at /values/root_module/child_modules/0/child_modules/0/",
    );
    assert!(message.contains("nested more than 40 levels"), "{message}");
}

#[test]
fn shapes_that_do_not_fit() {
    let set = read_bytes(
        "odd.json",
        r#"{"format_version":"1.2","resource_changes":{"a":1}}"#,
    );
    let message = only_problem(&set, "odd.json:1:44: at /resource_changes: ");
    assert!(message.contains("expected a sequence"), "{message}");
    let set = read_bytes("odd.json", r#"{"format_version":1.2,"values":{}}"#);
    only_problem(&set, "odd.json:1:19: at /format_version: expected a string");
    let set = read_bytes(
        "odd.json",
        r#"{"format_version":"1.2","resource_changes":[{"type":"x","change":{"actions":["create"],"after":{}}},{"address":"b.c","type":"b","change":{"actions":["create"],"after":{}}}]}"#,
    );
    // The entry without an address is a problem; the next is still read.
    only_problem(
        &set,
        "odd.json:1:96: at /resource_changes/0: the resource has no `address`",
    );
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["b.c", "account.b"],
        "the resource and its provider's account"
    );
    let set = read_bytes(
        "two.json",
        r#"{"apiVersion":"v1","kind":"Pod"} {"apiVersion":"v1","kind":"Pod"}"#,
    );
    let message = only_problem(&set, "two.json:1:34: malformed JSON: trailing characters");
    assert!(message.contains("kind: List"), "{message}");
}

#[test]
fn other_json_named_explicitly() {
    let set = read_bytes(
        "package.json",
        r#"{"name":"x","version":"1.0.0","dependencies":{}}"#,
    );
    only_problem(
        &set,
        "package.json: found a JSON object with the keys name, version, dependencies",
    );
    let set = read_bytes("list.json", "[1, 2]");
    only_problem(&set, "list.json: this is a JSON array");
    let set = read_bytes(
        "schema.json",
        r#"{"format_version":"1.0","provider_schemas":{}}"#,
    );
    only_problem(
        &set,
        "schema.json: found Terraform JSON that is neither a plan nor a state",
    );
}

#[test]
fn file_larger_than_the_limit_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge-plan.json");
    let mut start = br#"{"format_version":"1.2","resource_changes":[]}"#.to_vec();
    start.resize(16 * 1024, b' ');
    fs::write(&path, start).unwrap();
    // Sparse: three GiB of metadata, nothing written.
    File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let set = read(&path);
    let message = only_problem(
        &set,
        &place(
            &path,
            ": the file is 3221225472 bytes, more than the limit of 2147483648 bytes",
        ),
    );
    assert!(message.contains("max_file_size"), "{message}");

    // Under a directory too, when the start looks like JSON; a sparse file of zeros
    // (binary) is only skipped.
    let zeros = dir.path().join("zeros.bin");
    File::create(&zeros).unwrap().set_len(3 << 30).unwrap();
    let options = ReadOptions {
        max_file_size: 1 << 20,
    };
    let set = read_paths(&[dir.path().to_path_buf()], &options);
    only_problem(
        &set,
        &place(
            &path,
            ": the file is 3221225472 bytes, more than the limit of 1048576 bytes",
        ),
    );
    assert_eq!(set.skipped, [zeros]);

    // Bytes handed in directly.
    let mut set = InputSet::default();
    set.add_bytes(
        "-".into(),
        vec![b' '; 2048],
        true,
        &ReadOptions {
            max_file_size: 1024,
        },
    );
    only_problem(&set, "-: the file is more than 1024 bytes");
}

#[cfg(unix)]
#[test]
fn broken_symlink_next_to_a_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("b-pod.yaml");
    fs::write(&good, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n").unwrap();
    let broken = dir.path().join("a-broken.yaml");
    std::os::unix::fs::symlink(dir.path().join("missing.yaml"), &broken).unwrap();
    let link = dir.path().join("c-link.yaml");
    std::os::unix::fs::symlink(&good, &link).unwrap();
    let set = read_paths(&[dir.path().to_path_buf()], &ReadOptions::default());
    assert_eq!(set.resources.len(), 1);
    assert_eq!(set.resources[0].address, "Pod/web");
    assert_eq!(set.files[0].path, good);
    let message = only_problem(&set, &place(&broken, ": broken symbolic link"));
    assert!(message.contains("missing.yaml"), "{message}");
    // Symbolic links under a directory are not followed.
    assert_eq!(set.skipped, [link]);

    // Named explicitly, a broken link is a problem and a good link is followed.
    let set = read_paths(
        &[broken.clone(), dir.path().join("c-link.yaml")],
        &ReadOptions::default(),
    );
    only_problem(&set, &place(&broken, ": broken symbolic link"));
    assert_eq!(set.resources.len(), 1);
}

#[test]
fn missing_file() {
    let path = corpus("does-not-exist.json");
    let set = read(&path);
    only_problem(&set, &place(&path, ": cannot read: "));
}

#[test]
fn directories_are_read_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let plan =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan.json")).unwrap();
    fs::create_dir_all(root.join("env/prod")).unwrap();
    fs::create_dir_all(root.join(".terraform/modules")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    // No extension, but a plan.
    fs::write(root.join("env/prod/tfplan"), &plan).unwrap();
    fs::write(root.join(".terraform/modules/plan.json"), &plan).unwrap();
    fs::write(root.join(".git/config.yaml"), "apiVersion: v1\nkind: Pod\n").unwrap();
    fs::write(
        root.join("README.md"),
        "# Infrastructure\n\nRun `terraform plan`.\n",
    )
    .unwrap();
    fs::write(
        root.join("main.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"acme-logs\"\n}\n",
    )
    .unwrap();
    fs::write(
        root.join("docker-compose.yml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    fs::write(root.join("package.json"), r#"{"name": "x"}"#).unwrap();
    fs::write(
        root.join("terraform.tfstate"),
        fs::read(corpus("terraform.tfstate")).unwrap(),
    )
    .unwrap();
    fs::write(root.join("latin1.yaml"), b"name: caf\xe9\n").unwrap();
    fs::write(root.join("empty.yaml"), b"").unwrap();
    fs::write(
        root.join("pod.yml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n",
    )
    .unwrap();
    fs::write(
        root.join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    )
    .unwrap();
    fs::write(
        root.join("bad-plan.json"),
        r#"{"format_version": "1.2", "resource_changes": [}"#,
    )
    .unwrap();
    fs::write(root.join("bad-other.json"), r#"{"name": }"#).unwrap();

    let set = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let files: Vec<&Path> = set
        .files
        .iter()
        .map(|f| f.path.strip_prefix(root).unwrap())
        .collect();
    assert_eq!(files, [Path::new("env/prod/tfplan"), Path::new("pod.yml")]);
    // 23 resources of the two files, and the plan's AWS account.
    assert_eq!(set.resources.len(), 24);
    let skipped: Vec<&Path> = set
        .skipped
        .iter()
        .map(|p| p.strip_prefix(root).unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "README.md",
            "bad-other.json",
            "docker-compose.yml",
            "empty.yaml",
            "latin1.yaml",
            "main.tf",
            "package.json",
            "terraform.tfstate",
        ]
        .map(Path::new)
    );
    let problems: Vec<String> = set.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with(&place(&root.join("bad-plan.json"), ":1:")),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with(&place(&root.join("broken.yaml"), ":4:1: malformed YAML")),
        "{problems:?}"
    );
    // Explicitly, a file that is not ours is a problem.
    let set = read(&root.join("README.md"));
    assert_eq!(set.problems.len(), 1);
    let set = read(&root.join("latin1.yaml"));
    only_problem(
        &set,
        &place(&root.join("latin1.yaml"), ":1:10: invalid UTF-8"),
    );
}

#[test]
fn whole_corpus_directory_reads_without_panicking() {
    let set = read_paths(&[corpus("")], &ReadOptions::default());
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "Pod/shop/spec-as-list",
            "CronJob/shop/no-job-spec",
            "Deployment/shop/resources-as-list",
            "StatefulSet/shop/user-without-space",
            "Deployment/shop/well-formed",
            "Deployment/shop/api",
            "aws_s3_bucket.logs",
            "account.aws",
            "ConfigMap/default/grüße",
            "aws_s3_bucket.logs",
            "account.aws",
        ]
    );
    // Every problem names a file of the corpus.
    for problem in &set.problems {
        assert!(problem.path().starts_with(corpus("")), "{problem}");
        assert!(
            problem
                .to_string()
                .starts_with(&problem.path().display().to_string())
        );
    }
    assert_eq!(set.problems.len(), 10, "{:#?}", set.problems);
    // The Helm template is not a problem: it is skipped until rendered, with a note.
    assert!(
        set.problems
            .iter()
            .all(|p| !p.path().ends_with("helm-template.yaml"))
    );
    assert!(
        set.skip_notes
            .iter()
            .any(|(path, _)| path.ends_with("helm-template.yaml")),
        "{:?}",
        set.skip_notes
    );
}

#[test]
fn workloads_that_do_not_match_the_kubernetes_api_are_problems_and_malformed() {
    let set = read(&corpus("malformed-workloads.yaml"));
    let problems: Vec<String> = set.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    for (problem, wanted) in problems.iter().zip([
        "/0/spec",
        "/1/spec/jobTemplate/spec/template/spec",
        "/2/spec/template/spec/containers/0/resources",
        "/3/spec/template/spec/containers/0/securityContext",
    ]) {
        assert!(problem.contains(wanted), "{problem} lacks {wanted}");
    }
    assert!(
        problems[0].contains("Pod/shop/spec-as-list"),
        "{}",
        problems[0]
    );
    assert!(problems[0].contains("found a list"), "{}", problems[0]);
    assert!(
        problems[3].contains("expected a mapping"),
        "{}",
        problems[3]
    );
    let malformed: Vec<bool> = (0..set.resources.len())
        .map(|i| set.malformed(i).is_some())
        .collect();
    assert_eq!(malformed, [true, true, true, true, false]);
}

#[test]
fn helm_chart_templates_and_kustomize_patches_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let chart = root.join("charts/shop");
    fs::create_dir_all(chart.join("templates")).unwrap();
    fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    )
    .unwrap();
    fs::write(
        chart.join("values.yaml"),
        "replicas: 2\nimage: shop:1.0.0\n",
    )
    .unwrap();
    fs::write(
        chart.join("templates/deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"shop.fullname\" . }}\nspec:\n  replicas: {{ .Values.replicas }}\n",
    )
    .unwrap();
    // Helm templates that happen to be valid YAML are skipped all the same.
    fs::write(
        chart.join("templates/service.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n",
    )
    .unwrap();
    let overlay = root.join("deploy/overlays/prod");
    fs::create_dir_all(&overlay).unwrap();
    fs::write(
        overlay.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\npatches: [{path: replicas.yaml}]\n",
    )
    .unwrap();
    fs::write(
        overlay.join("replicas.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  replicas: 3\n",
    )
    .unwrap();
    fs::write(
        root.join("loose-template.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
    )
    .unwrap();
    let set = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    let notes: Vec<String> = set
        .skip_notes
        .iter()
        .map(|(path, note)| {
            let start: Vec<&str> = note.split(' ').take(3).collect();
            format!(
                "{}: {}",
                path.strip_prefix(root).unwrap().display(),
                start.join(" ")
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            "charts/shop/templates/deployment.yaml: a Helm chart",
            "charts/shop/templates/service.yaml: a Helm chart",
            "deploy/overlays/prod/replicas.yaml: part of a",
            "loose-template.yaml: a template (`{{",
        ]
    );
    for (_, note) in &set.skip_notes {
        assert!(note.contains("instead"), "{note}");
    }
    let addresses: Vec<&str> = set.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addresses, ["Kustomization/<unnamed>"]);
}
