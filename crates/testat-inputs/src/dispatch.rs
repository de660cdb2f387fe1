//! Recognising what a file is, by content, and handing it to its reader.
//!
//! This is the one place that knows every format: the readers (`terraform`,
//! `kubernetes`) and the helpers they share (`json`, `yaml`, `location`) do not call
//! back into it.

use std::path::Path;

use crate::json::{error, scan};
use crate::reader::Outcome;

/// Reads a file's decoded, non-empty text: JSON when it starts with `{` or `[`, else
/// YAML. `explicit` says whether the user named the file.
pub(crate) fn read(path: &Path, text: &str, explicit: bool) -> Outcome {
    match text.trim_start().chars().next() {
        Some('{' | '[') => read_json(path, text),
        _ => crate::kubernetes::read_yaml(path, text, explicit),
    }
}

/// Reads a file whose first character is `{` or `[`.
fn read_json(path: &Path, text: &str) -> Outcome {
    if text.trim_start().starts_with('[') {
        return Outcome::NotOurs("this is a JSON array, not a JSON object".to_owned());
    }
    let top = match scan(text) {
        Ok(top) => top,
        Err(e) => return Outcome::Failed(vec![error(path, text, 0, text, &e, "", "the file")]),
    };
    if top.format_version.is_some() {
        return crate::terraform::read(path, text, &top);
    }
    if top.raw_state_keys == 3 {
        return Outcome::NotOurs(
            "this looks like a raw Terraform state file (`terraform.tfstate`: `version`, `lineage`, `resources`); \
             run `terraform show -json` on it and scan the output"
                .to_owned(),
        );
    }
    if top.api_version && top.kind {
        return crate::kubernetes::read_json(path, text);
    }
    Outcome::NotOurs(format!(
        "found a JSON object with the keys {}",
        top.describe_keys()
    ))
}
