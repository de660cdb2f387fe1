//! JSON: the [`Assessment`] and [`CustomerHandout`] as they are; their `schema` field
//! names the version (`docs/schemas/assessment.v1.json`, docs/assessment-json.md).

use testat_assess::{Assessment, CustomerHandout};

use crate::ReportError;

/// The assessment as pretty-printed JSON, ending in a newline.
pub fn render_json(assessment: &Assessment) -> Result<String, ReportError> {
    let mut out = serde_json::to_string_pretty(assessment)?;
    out.push('\n');
    Ok(out)
}

/// The customer handout as pretty-printed JSON, ending in a newline.
pub fn render_handout_json(handout: &CustomerHandout) -> Result<String, ReportError> {
    let mut out = serde_json::to_string_pretty(handout)?;
    out.push('\n');
    Ok(out)
}
