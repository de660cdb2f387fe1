//! The formats of an assessment report and of the customer handout, each with one
//! function that renders it ([`render_assessment`], [`render_handout`]), as scans have
//! [`ScanFormat`](crate::ScanFormat) and [`render`](crate::render).

use testat_assess::{Assessment, CustomerHandout};

use crate::ReportError;

/// The formats of an assessment report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentFormat {
    /// One self-contained HTML page with charts.
    Html,
    /// Print-ready A4 PDF.
    Pdf,
    /// Markdown.
    Md,
    /// CSV, one row per criterion.
    Csv,
    /// Testat's own JSON (schema `docs/schemas/assessment.v1.json`).
    Json,
    /// OSCAL 1.1.2 assessment results.
    Oscal,
    /// OSCAL 1.1.2 plan of action and milestones for what is not met.
    OscalPoam,
}

impl AssessmentFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Self; 7] = [
        Self::Html,
        Self::Pdf,
        Self::Md,
        Self::Csv,
        Self::Json,
        Self::Oscal,
        Self::OscalPoam,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Md => "md",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Oscal => "oscal",
            Self::OscalPoam => "oscal-poam",
        }
    }

    /// Whether the format is binary (PDF): not for a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Pdf)
    }
}

/// The formats of the customer handout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoutFormat {
    /// One self-contained HTML page.
    Html,
    /// Print-ready A4 PDF.
    Pdf,
    /// Markdown.
    Md,
    /// JSON.
    Json,
}

impl HandoutFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Self; 4] = [Self::Html, Self::Pdf, Self::Md, Self::Json];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Md => "md",
            Self::Json => "json",
        }
    }

    /// Whether the format is binary (PDF): not for a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Pdf)
    }
}

/// Renders the assessment `a` in `format`: the whole document as bytes (UTF-8 text for
/// every format but PDF).
pub fn render_assessment(a: &Assessment, format: AssessmentFormat) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        AssessmentFormat::Html => super::render_html(a)?.into_bytes(),
        AssessmentFormat::Pdf => super::render_pdf(a)?,
        AssessmentFormat::Md => super::render_markdown(a)?.into_bytes(),
        AssessmentFormat::Csv => super::render_csv(a)?.into_bytes(),
        AssessmentFormat::Json => super::render_json(a)?.into_bytes(),
        AssessmentFormat::Oscal => super::render_assessment_results(a)?.into_bytes(),
        AssessmentFormat::OscalPoam => super::render_poam(a)?.into_bytes(),
    })
}

/// Renders the customer handout `h` in `format`: the whole document as bytes (UTF-8
/// text for every format but PDF).
pub fn render_handout(h: &CustomerHandout, format: HandoutFormat) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        HandoutFormat::Html => super::render_handout_html(h)?.into_bytes(),
        HandoutFormat::Pdf => super::render_handout_pdf(h)?,
        HandoutFormat::Md => super::render_handout_markdown(h)?.into_bytes(),
        HandoutFormat::Json => super::render_handout_json(h)?.into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdf_is_binary() {
        let binary: Vec<&str> = AssessmentFormat::ALL
            .iter()
            .filter(|f| f.is_binary())
            .map(|f| f.as_str())
            .collect();
        assert_eq!(binary, ["pdf"]);
        let binary: Vec<&str> = HandoutFormat::ALL
            .iter()
            .filter(|f| f.is_binary())
            .map(|f| f.as_str())
            .collect();
        assert_eq!(binary, ["pdf"]);
    }
}
