//! Other scanners' reports (testat-import): arbitrary bytes as a file of unknown format
//! and as each format, and arbitrary bytes inside a Checkov record, an OCSF finding and
//! a SARIF result.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use testat_import::{Format, Mappings, read, unmapped_as_toml};

fn mappings() -> &'static Mappings {
    static MAPPINGS: OnceLock<Mappings> = OnceLock::new();
    MAPPINGS.get_or_init(|| Mappings::builtin().unwrap_or_else(|_| Mappings::empty()))
}

/// Reads `bytes`, maps what was read and renders its unmapped checks; any panic or
/// hang is a bug, and every error names the file.
fn import(bytes: &[u8], format: Option<Format>) {
    match read(bytes, "fuzz.json", format) {
        Ok(mut file) => {
            assert_eq!(file.size, bytes.len() as u64);
            for import in &mut file.imports {
                mappings().apply(import);
                for finding in &import.findings {
                    assert!(import.check_of(finding).is_some());
                }
                let _ = unmapped_as_toml(import);
                let _ = import.default_scope();
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.json: ")),
    }
}

fn wrapped(prefix: &str, data: &[u8], suffix: &str) -> Vec<u8> {
    let mut bytes = prefix.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    bytes.extend_from_slice(suffix.as_bytes());
    bytes
}

fuzz_target!(|data: &[u8]| {
    import(data, None);
    for format in Format::ALL {
        import(data, Some(format));
    }
    import(
        &wrapped(
            r#"[{"check_type":"terraform","results":{"failed_checks":[{"check_id":"CKV_AWS_3","resource":"#,
            data,
            r#"}]},"summary":{"checkov_version":"3.3.30"}}]"#,
        ),
        None,
    );
    import(
        &wrapped(
            r#"[{"metadata":{"event_code":"iam_root_mfa_enabled"},"status_code":"FAIL","resources":"#,
            data,
            "}]",
        ),
        None,
    );
    import(
        &wrapped(
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy"}},"results":[{"ruleId":"X","message":{"text":"m"},"locations":"#,
            data,
            "}]}]}",
        ),
        None,
    );
});
