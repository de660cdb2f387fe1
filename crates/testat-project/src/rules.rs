//! The rule set of a project: the built-in rules and the user's folders, narrowed to
//! the criteria asked for and without the rules skipped.

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use testat_catalog::Catalog;
use testat_rules::RuleSet;

use crate::error::ProjectError;
use crate::settings::ScanSettings;

/// Loads the built-in rules (unless `builtin` is false) and the rules in `dirs`,
/// reporting every broken rule file at once.
pub fn load_rules(
    catalog: &Catalog,
    builtin: bool,
    dirs: &[PathBuf],
) -> Result<RuleSet, ProjectError> {
    let mut errors = Vec::new();
    let mut rules = if builtin {
        RuleSet::builtin(catalog).unwrap_or_else(|e| {
            errors.extend(e);
            RuleSet::empty()
        })
    } else {
        RuleSet::empty()
    };
    for dir in dirs {
        if let Err(e) = rules.add_dir(dir, catalog) {
            errors.extend(e);
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(ProjectError::Rules(errors))
    }
}

/// The parameter of the data location rules that the regions of the service
/// description's `[[location]]` entries fill in when `testat.toml` does not set it.
pub const REGIONS_PARAMETER: &str = "allowed_regions";

/// The rules a scan runs: those of `settings`, with its parameters set, narrowed to its
/// criteria and without its skipped rules. Unknown criteria, rule IDs, parameters and
/// providers are refused, with suggestions.
pub fn scan_rules(catalog: &Catalog, settings: &ScanSettings) -> Result<RuleSet, ProjectError> {
    let mut rules = load_rules(catalog, settings.builtin_rules, &settings.rule_dirs)?;
    let mut errors = Vec::new();
    for (rule, values) in &settings.parameters {
        for (name, value) in values {
            if let Err(e) = rules.set_parameter(rule, name, value.clone()) {
                errors.push(e);
            }
        }
    }
    if !settings.location_regions.is_empty() {
        let regions = serde_json::json!(settings.location_regions);
        let unset: Vec<String> = rules
            .rules()
            .iter()
            .filter(|r| r.spec.parameters.contains_key(REGIONS_PARAMETER))
            .filter(|r| {
                settings
                    .parameters
                    .get(&r.spec.id)
                    .is_none_or(|values| !values.contains_key(REGIONS_PARAMETER))
            })
            .map(|r| r.spec.id.clone())
            .collect();
        for rule in unset {
            if let Err(e) = rules.set_parameter(&rule, REGIONS_PARAMETER, regions.clone()) {
                errors.push(e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(ProjectError::RuleParameters {
            path: settings.settings_file.clone(),
            errors,
        });
    }
    for provider in &settings.account_baseline {
        if !rules.rules().iter().any(|r| &r.spec.provider == provider) {
            let mut known: Vec<String> = rules
                .rules()
                .iter()
                .map(|r| r.spec.provider.clone())
                .collect();
            known.sort();
            known.dedup();
            return Err(ProjectError::UnknownProvider {
                provider: provider.clone(),
                known,
            });
        }
    }
    let mut criteria = Vec::new();
    for id in settings.criteria.iter().filter(|id| !id.trim().is_empty()) {
        criteria.push(catalog.get(id)?.id.clone());
    }
    for id in &settings.skip_rules {
        if rules.get(id).is_none() {
            let near = rules
                .rules()
                .iter()
                .map(|r| r.id())
                .filter(|known| close(known, id))
                .map(str::to_owned)
                .collect();
            return Err(ProjectError::UnknownRule {
                id: id.clone(),
                near,
            });
        }
    }
    rules.retain(|rule| {
        !settings.skip_rules.iter().any(|s| s == rule.id())
            && (criteria.is_empty() || rule.spec.criteria.iter().any(|c| criteria.contains(c)))
    });
    Ok(rules)
}

/// SHA-256 over the specs of every rule, in ID order: which rule set a run used.
pub fn ruleset_sha256(rules: &RuleSet) -> String {
    let mut specs: Vec<(&str, String)> = rules
        .rules()
        .iter()
        .map(|r| {
            let mut text = serde_json::to_string(&r.spec).unwrap_or_default();
            let changed = r.changed_parameters();
            if !changed.is_empty() {
                // The values used, so that the same rules with other thresholds differ.
                text.push_str(&serde_json::to_string(&changed).unwrap_or_default());
            }
            (r.id(), text)
        })
        .collect();
    specs.sort();
    let mut hasher = Sha256::new();
    for (_, spec) in &specs {
        hasher.update(spec.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Whether two IDs differ by little (case-insensitive prefix or a few edits).
fn close(known: &str, typed: &str) -> bool {
    let (known, typed) = (known.to_ascii_uppercase(), typed.to_ascii_uppercase());
    known.starts_with(&typed)
        || typed.starts_with(&known)
        || strsim::levenshtein(&known, &typed) <= 2
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    fn settings() -> ScanSettings {
        ScanSettings::default()
    }

    #[test]
    fn criteria_narrow_and_skips_remove_rules() {
        let catalog = testat_catalog::builtin();
        let all = scan_rules(catalog, &settings()).unwrap();
        let narrowed = scan_rules(
            catalog,
            &ScanSettings {
                criteria: vec!["cry-03".into()],
                skip_rules: vec!["AWS-S3-ENCRYPTION".into()],
                ..settings()
            },
        )
        .unwrap();
        assert!(narrowed.len() < all.len());
        assert!(narrowed.get("AWS-S3-ENCRYPTION").is_none());
        assert!(
            narrowed
                .rules()
                .iter()
                .all(|r| r.spec.criteria.iter().any(|c| c == "CRY-03"))
        );
        assert_eq!(ruleset_sha256(&all), ruleset_sha256(&all));
        assert_ne!(ruleset_sha256(&all), ruleset_sha256(&narrowed));
    }

    #[test]
    fn unknown_rules_and_criteria_are_refused_with_suggestions() {
        let catalog = testat_catalog::builtin();
        let typo = ScanSettings {
            skip_rules: vec!["AWS-S3-VERSIONNG".into()],
            ..settings()
        };
        match scan_rules(catalog, &typo) {
            Err(ProjectError::UnknownRule { id, near }) => {
                assert_eq!(id, "AWS-S3-VERSIONNG");
                assert_eq!(near, ["AWS-S3-VERSIONING"]);
            }
            other => panic!("expected an unknown rule, got {other:?}"),
        }
        let bad = ScanSettings {
            criteria: vec!["CRY-99".into()],
            ..settings()
        };
        assert!(matches!(
            scan_rules(catalog, &bad),
            Err(ProjectError::Catalog(_))
        ));
    }

    #[test]
    fn parameters_are_set_checked_and_change_the_hash() {
        let catalog = testat_catalog::builtin();
        let default = scan_rules(catalog, &settings()).unwrap();
        let mut parameters = std::collections::BTreeMap::new();
        parameters.insert(
            "AWS-RDS-BACKUP-RETENTION".to_owned(),
            [("min_days".to_owned(), serde_json::json!(30))].into(),
        );
        let stricter = scan_rules(
            catalog,
            &ScanSettings {
                parameters: parameters.clone(),
                ..settings()
            },
        )
        .unwrap();
        let rule = stricter.get("AWS-RDS-BACKUP-RETENTION").unwrap();
        assert_eq!(rule.parameters()["min_days"], serde_json::json!(30));
        assert_ne!(ruleset_sha256(&default), ruleset_sha256(&stricter));

        parameters.insert(
            "AWS-RDS-BACKUP-RETENTION".to_owned(),
            [("min_dayz".to_owned(), serde_json::json!("30"))].into(),
        );
        match scan_rules(
            catalog,
            &ScanSettings {
                parameters,
                ..settings()
            },
        ) {
            Err(ProjectError::RuleParameters { path, errors }) => {
                assert_eq!(path, std::path::Path::new("testat.toml"));
                assert!(errors[0].to_string().contains("min_days"), "{}", errors[0]);
            }
            other => panic!("expected a parameter error, got {other:?}"),
        }
    }

    #[test]
    fn an_account_baseline_without_rules_is_refused() {
        let catalog = testat_catalog::builtin();
        let typo = ScanSettings {
            account_baseline: vec!["amazon".into()],
            ..settings()
        };
        match scan_rules(catalog, &typo) {
            Err(ProjectError::UnknownProvider { provider, known }) => {
                assert_eq!(provider, "amazon");
                assert!(known.iter().any(|p| p == "aws"));
            }
            other => panic!("expected an unknown provider, got {other:?}"),
        }
    }

    #[test]
    fn location_regions_fill_allowed_regions_unless_set() {
        let catalog = testat_catalog::builtin();
        let regions = ScanSettings {
            location_regions: vec!["eu-central-1".into(), "germanywestcentral".into()],
            ..settings()
        };
        let rules = scan_rules(catalog, &regions).unwrap();
        for id in [
            "AWS-DATA-REGION",
            "AZ-DATA-LOCATION",
            "GCP-DATA-LOCATION",
            "TC-DATA-LOCATION",
        ] {
            assert_eq!(
                rules.get(id).unwrap().parameters()[REGIONS_PARAMETER],
                serde_json::json!(["eu-central-1", "germanywestcentral"]),
                "{id}"
            );
        }
        let mut parameters = std::collections::BTreeMap::new();
        parameters.insert(
            "AWS-DATA-REGION".to_owned(),
            [(
                REGIONS_PARAMETER.to_owned(),
                serde_json::json!(["eu-west-1"]),
            )]
            .into(),
        );
        let set = scan_rules(
            catalog,
            &ScanSettings {
                parameters,
                ..regions
            },
        )
        .unwrap();
        assert_eq!(
            set.get("AWS-DATA-REGION").unwrap().parameters()[REGIONS_PARAMETER],
            serde_json::json!(["eu-west-1"])
        );
        assert_eq!(
            set.get("AZ-DATA-LOCATION").unwrap().parameters()[REGIONS_PARAMETER],
            serde_json::json!(["eu-central-1", "germanywestcentral"])
        );
        let none = scan_rules(catalog, &settings()).unwrap();
        assert_eq!(
            none.get("AWS-DATA-REGION").unwrap().parameters()[REGIONS_PARAMETER],
            serde_json::json!([])
        );
    }
}
