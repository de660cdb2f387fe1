//! External catalogues a user holds (such as the official C5 text), matched to ours.
//!
//! Three formats are read: an OSCAL catalog in JSON, the framework library YAML of the
//! open-source GRC tool CISO Assistant, and CSV with the header `id,title,text`. Their
//! entries are matched to a built-in catalogue by ID: criteria, and for C5:2026 also
//! sub-criteria. Entries whose ID we do not know are kept in
//! [`ExternalCatalog::unmatched`] so that the caller can report them instead of
//! dropping them silently.
//!
//! Where a file gives a C5:2026 criterion's text with its sub-criteria inside it, each
//! on a line that holds only the sub-criterion ID followed by its text (as CISO
//! Assistant's C5:2026 library does), the sub-criteria get their own texts too, unless
//! the file also lists them as entries of their own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::CatalogError;
use crate::lookup::normalise_id;
use crate::model::{Catalog, Criterion};

/// Largest external catalogue we read; the official C5 text is well under 2 MiB.
pub const MAX_EXTERNAL_BYTES: u64 = 64 * 1024 * 1024;

/// Deepest nesting of groups and controls we follow in an OSCAL catalog.
const MAX_OSCAL_DEPTH: usize = 32;

/// Which format an external catalogue was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalFormat {
    /// An OSCAL catalog in JSON.
    OscalJson,
    /// CSV with the columns `id`, `title`, `text`.
    Csv,
    /// A CISO Assistant framework library in YAML (`objects.framework.requirement_nodes`
    /// with `ref_id`, `name`, `description`).
    CisoAssistant,
}

/// The text an external catalogue gives for one criterion or sub-criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalText {
    /// Title as the external catalogue gives it; empty for a sub-criterion whose text
    /// was taken from inside its criterion's.
    pub title: String,
    /// Requirement text as the external catalogue gives it.
    pub text: String,
    /// Where in the file it came from (`line 4`, or a JSON pointer into the OSCAL or
    /// YAML document; for a sub-criterion taken from its criterion's text, that place
    /// and the sub-criterion ID).
    pub place: String,
}

/// An entry of the external catalogue that could not be matched to a criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The ID as written in the file.
    pub id: String,
    /// Where in the file it is (`line 4` or a JSON pointer).
    pub place: String,
    /// Why it was not matched.
    pub reason: String,
}

/// An external catalogue, matched to the built-in one.
#[derive(Debug, Clone)]
pub struct ExternalCatalog {
    /// The file it was read from.
    pub path: PathBuf,
    /// The format it was read as.
    pub format: ExternalFormat,
    /// Texts by (our) criterion or sub-criterion ID.
    pub texts: BTreeMap<String, ExternalText>,
    /// Entries that are not criteria (or sub-criteria) of our catalogue, or appear twice.
    pub unmatched: Vec<Unmatched>,
}

impl ExternalCatalog {
    /// Reads an external catalogue and matches its entries to `catalog`.
    ///
    /// The format is recognised by content: JSON whose top level has `catalog` is
    /// OSCAL; YAML with a top-level `objects:` is a CISO Assistant library; anything
    /// else is read as CSV. For a catalogue with sub-criteria (C5:2026) entries may be
    /// criteria or sub-criteria.
    pub fn load(path: &Path, catalog: &Catalog) -> Result<Self, CatalogError> {
        let source = read_text(path)?;
        let mut external = ExternalCatalog {
            path: path.to_owned(),
            format: ExternalFormat::Csv,
            texts: BTreeMap::new(),
            unmatched: Vec::new(),
        };
        let entries = if source.trim_start().starts_with('{') {
            external.format = ExternalFormat::OscalJson;
            let root: Value = serde_json::from_str(&source).map_err(|e| CatalogError::Json {
                path: path.to_owned(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
            oscal_entries(path, &root)?
        } else if source.lines().any(|line| line.starts_with("objects:")) {
            external.format = ExternalFormat::CisoAssistant;
            ciso_assistant_entries(path, &source)?
        } else {
            csv_entries(path, &source)?
        };
        for entry in &entries {
            external.add(catalog, entry);
        }
        if catalog.has_subcriteria() {
            for entry in &entries {
                external.add_embedded_subcriteria(catalog, entry);
            }
        }
        Ok(external)
    }

    /// The external text for one of our criteria, if the file has it.
    pub fn text(&self, id: &str) -> Option<&ExternalText> {
        self.texts.get(id)
    }

    fn add(&mut self, catalog: &Catalog, entry: &Entry) {
        let id = normalise_id(&entry.id);
        if !catalog.contains(&id) {
            let what = if catalog.has_subcriteria() {
                "criterion or sub-criterion"
            } else {
                "criterion"
            };
            let reason = match catalog.find(&id) {
                Err(CatalogError::UnknownCriterion { suggestions, .. })
                    if !suggestions.is_empty() =>
                {
                    format!(
                        "not a {} {what} (nearest: {})",
                        catalog.name,
                        suggestions.join(", ")
                    )
                }
                _ => format!("not a {} {what}", catalog.name),
            };
            self.unmatched.push(Unmatched {
                id: entry.id.clone(),
                place: entry.place.clone(),
                reason,
            });
            return;
        }
        if let Some(first) = self.texts.get(&id) {
            let reason = format!("appears again; the entry at {} is used", first.place);
            self.unmatched.push(Unmatched {
                id: entry.id.clone(),
                place: entry.place.clone(),
                reason,
            });
            return;
        }
        self.texts.insert(
            id,
            ExternalText {
                title: entry.title.clone(),
                text: entry.text.clone(),
                place: entry.place.clone(),
            },
        );
    }

    /// Texts for the sub-criteria inside a criterion's text, for those the file does
    /// not list on their own.
    fn add_embedded_subcriteria(&mut self, catalog: &Catalog, entry: &Entry) {
        let Some(criterion) = catalog.exact(&normalise_id(&entry.id)) else {
            return;
        };
        for (id, text) in embedded_subcriteria(&entry.text, criterion) {
            if self.texts.contains_key(id) {
                continue;
            }
            self.texts.insert(
                id.to_owned(),
                ExternalText {
                    title: String::new(),
                    text,
                    place: format!("{}, at {id}", entry.place),
                },
            );
        }
    }
}

/// The sub-criteria of `criterion` inside `text`: each starts at a line that holds
/// only its ID and runs to the next such line, or to a heading (a line in capitals,
/// such as `ADDITIONAL (COMPLEMENTING)` or `SUPPLEMENTARY INFORMATION`). A sub-criterion
/// whose text is empty or a dash is left out.
fn embedded_subcriteria<'a>(text: &str, criterion: &'a Criterion) -> Vec<(&'a str, String)> {
    let mut found: Vec<(&'a str, Vec<&str>)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(sub) = criterion.subcriterion(trimmed) {
            found.push((sub.id.as_str(), Vec::new()));
            open = true;
        } else if is_heading(trimmed) {
            open = false;
        } else if open && let Some((_, lines)) = found.last_mut() {
            lines.push(trimmed);
        }
    }
    found
        .into_iter()
        .filter_map(|(id, lines)| {
            let text = lines.join("\n").trim().to_owned();
            let empty = text.is_empty() || text.chars().all(|c| matches!(c, '-' | '–' | '—'));
            (!empty).then_some((id, text))
        })
        .collect()
}

/// Whether a line is a heading: no small letters and at least six capitals, so that a
/// line holding only an abbreviation such as `TLS 1.3` does not count.
fn is_heading(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 6 && !line.chars().any(char::is_lowercase)
}

struct Entry {
    id: String,
    title: String,
    text: String,
    place: String,
}

/// Reads a whole file as UTF-8 text (a byte-order mark is dropped), within a size limit.
fn read_text(path: &Path) -> Result<String, CatalogError> {
    let io = |source| CatalogError::Io {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_EXTERNAL_BYTES {
        return Err(CatalogError::TooLarge {
            path: path.to_owned(),
            size,
            limit: MAX_EXTERNAL_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| CatalogError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

fn csv_entries(path: &Path, source: &str) -> Result<Vec<Entry>, CatalogError> {
    let csv_error = |e: csv::Error| CatalogError::Csv {
        path: path.to_owned(),
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(source.as_bytes());
    let headers = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id_col), Some(title_col), Some(text_col)) =
        (column("id"), column("title"), column("text"))
    else {
        if headers.len() <= 1 && !source.contains(',') {
            return Err(CatalogError::UnknownFormat {
                path: path.to_owned(),
            });
        }
        return Err(CatalogError::Csv {
            path: path.to_owned(),
            line: 1,
            message: format!(
                "the header must name the columns id, title and text; found: {}",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        });
    };
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
        let id = field(id_col);
        if id.is_empty() {
            return Err(CatalogError::Csv {
                path: path.to_owned(),
                line,
                message: "the id column is empty".into(),
            });
        }
        entries.push(Entry {
            id,
            title: field(title_col),
            text: field(text_col),
            place: format!("line {line}"),
        });
    }
    Ok(entries)
}

/// The requirement nodes of a CISO Assistant framework library: every assessable node
/// with a `ref_id`; headings (`assessable: false`) are skipped.
fn ciso_assistant_entries(path: &Path, source: &str) -> Result<Vec<Entry>, CatalogError> {
    let root: serde_norway::Value = serde_norway::from_str(source).map_err(|e| {
        let (line, column, message) = crate::load::yaml_error_parts(&e);
        CatalogError::Yaml {
            origin: path.display().to_string(),
            line,
            column,
            message,
        }
    })?;
    let shape = |pointer: String, expected: &str| CatalogError::Shape {
        path: path.to_owned(),
        pointer,
        expected: expected.to_owned(),
    };
    let nodes = root
        .get("objects")
        .and_then(|o| o.get("framework"))
        .and_then(|f| f.get("requirement_nodes"))
        .ok_or_else(|| {
            shape(
                "/objects/framework/requirement_nodes".into(),
                "the requirement nodes of a CISO Assistant framework library",
            )
        })?
        .as_sequence()
        .ok_or_else(|| shape("/objects/framework/requirement_nodes".into(), "a list"))?;
    let mut entries = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let pointer = format!("/objects/framework/requirement_nodes/{i}");
        if !node.is_mapping() {
            return Err(shape(pointer, "a mapping (a requirement node)"));
        }
        let text_of = |key: &str| -> Result<String, CatalogError> {
            match node.get(key) {
                None | Some(serde_norway::Value::Null) => Ok(String::new()),
                Some(value) => value
                    .as_str()
                    .map(|s| s.trim().to_owned())
                    .ok_or_else(|| shape(format!("{pointer}/{key}"), "a string")),
            }
        };
        let assessable = match node.get("assessable") {
            None => true,
            Some(value) => value
                .as_bool()
                .ok_or_else(|| shape(format!("{pointer}/assessable"), "true or false"))?,
        };
        let id = text_of("ref_id")?;
        if !assessable || id.is_empty() {
            continue;
        }
        entries.push(Entry {
            id,
            title: text_of("name")?,
            text: text_of("description")?,
            place: pointer,
        });
    }
    Ok(entries)
}

fn oscal_entries(path: &Path, root: &Value) -> Result<Vec<Entry>, CatalogError> {
    let shape = |pointer: &str, expected: &str| CatalogError::Shape {
        path: path.to_owned(),
        pointer: pointer.to_owned(),
        expected: expected.to_owned(),
    };
    let catalog = root
        .get("catalog")
        .ok_or_else(|| shape("", "an object with a \"catalog\" member (an OSCAL catalog)"))?;
    if !catalog.is_object() {
        return Err(shape("/catalog", "an object"));
    }
    let mut entries = Vec::new();
    walk_oscal(path, catalog, "/catalog", 0, &mut entries)?;
    Ok(entries)
}

/// Collects the controls of a catalog or group, recursing into groups and nested
/// controls.
fn walk_oscal(
    path: &Path,
    node: &Value,
    pointer: &str,
    depth: usize,
    entries: &mut Vec<Entry>,
) -> Result<(), CatalogError> {
    let shape = |pointer: String, expected: &str| CatalogError::Shape {
        path: path.to_owned(),
        pointer,
        expected: expected.to_owned(),
    };
    if depth > MAX_OSCAL_DEPTH {
        return Err(shape(
            pointer.to_owned(),
            &format!("groups and controls nested at most {MAX_OSCAL_DEPTH} levels deep"),
        ));
    }
    for key in ["groups", "controls"] {
        let Some(list) = node.get(key) else { continue };
        let list_pointer = format!("{pointer}/{key}");
        let items = list
            .as_array()
            .ok_or_else(|| shape(list_pointer.clone(), "an array"))?;
        for (i, item) in items.iter().enumerate() {
            let item_pointer = format!("{list_pointer}/{i}");
            if !item.is_object() {
                return Err(shape(item_pointer, "an object"));
            }
            if key == "controls" {
                entries.push(control_entry(path, item, &item_pointer)?);
            }
            walk_oscal(path, item, &item_pointer, depth + 1, entries)?;
        }
    }
    Ok(())
}

fn control_entry(path: &Path, control: &Value, pointer: &str) -> Result<Entry, CatalogError> {
    let id = control
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| CatalogError::Shape {
            path: path.to_owned(),
            pointer: format!("{pointer}/id"),
            expected: "a string (every OSCAL control has an id)".into(),
        })?;
    // Prefer the human label (`CRY-03`) over the token id (`cry-03`) when present.
    let label = control
        .get("props")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("label"))
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str);
    let title = control
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut prose = Vec::new();
    if let Some(parts) = control.get("parts").and_then(Value::as_array) {
        let statements: Vec<&Value> = parts
            .iter()
            .filter(|p| p.get("name").and_then(Value::as_str) == Some("statement"))
            .collect();
        let chosen = if statements.is_empty() {
            parts.iter().collect()
        } else {
            statements
        };
        for part in chosen {
            collect_prose(part, 0, &mut prose);
        }
    }
    Ok(Entry {
        id: label.unwrap_or(id).to_owned(),
        title: title.trim().to_owned(),
        text: prose.join("\n\n"),
        place: pointer.to_owned(),
    })
}

fn collect_prose(part: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_OSCAL_DEPTH {
        return;
    }
    if let Some(text) = part.get("prose").and_then(Value::as_str) {
        let text = text.trim();
        if !text.is_empty() {
            out.push(text.to_owned());
        }
    }
    if let Some(children) = part.get("parts").and_then(Value::as_array) {
        for child in children {
            collect_prose(child, depth + 1, out);
        }
    }
}
