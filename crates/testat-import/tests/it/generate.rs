//! The benchmark's generators write what the readers read, the same bytes for the
//! same seed.

use testat_import::{Format, MappingSource, Mappings, generate, read};

#[test]
fn generated_checkov_reads_back() {
    let mut bytes = Vec::new();
    generate::checkov_json(&mut bytes, 300, 7).unwrap();
    let mut again = Vec::new();
    generate::checkov_json(&mut again, 300, 7).unwrap();
    assert!(bytes == again);
    let per_finding = bytes.len() / 300;
    assert!(
        per_finding.abs_diff(generate::CHECKOV_BYTES_PER_FINDING) < 1_500,
        "{per_finding} bytes a finding"
    );

    let mut file = read(&bytes[..], "generated.json", None).unwrap();
    assert_eq!(file.format, Format::Checkov);
    let import = &mut file.imports[0];
    assert_eq!(import.findings.len(), 300);
    assert_eq!(import.frameworks.len(), 2);
    Mappings::builtin().unwrap().apply(import);
    assert!(
        import
            .checks
            .iter()
            .any(|c| c.mapping == MappingSource::Builtin)
    );
    assert!(import.findings.iter().any(|f| f.justification.is_some()));
}

#[test]
fn generated_prowler_reads_back() {
    let mut bytes = Vec::new();
    generate::prowler_ocsf(&mut bytes, 200, 7).unwrap();
    let per_finding = bytes.len() / 200;
    assert!(
        per_finding.abs_diff(generate::PROWLER_BYTES_PER_FINDING) < 1_500,
        "{per_finding} bytes a finding"
    );
    let mut file = read(&bytes[..], "generated.ocsf.json", None).unwrap();
    assert_eq!(file.format, Format::ProwlerOcsf);
    let import = &mut file.imports[0];
    assert_eq!(import.findings.len(), 200);
    assert_eq!(import.accounts, ["123456789012"]);
    Mappings::builtin().unwrap().apply(import);
    assert!(
        import
            .checks
            .iter()
            .any(|c| c.mapping == MappingSource::Builtin)
    );
    assert!(import.unmapped_findings() > 0);
    assert_eq!(import.counts().len(), 4);
}
