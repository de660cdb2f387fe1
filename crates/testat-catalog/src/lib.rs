//! Criteria catalogues for Testat.
//!
//! This crate owns the BSI C5:2020 catalogue that ships inside Testat (IDs, domains
//! and titles from the BSI; summaries, customer parts, tags and automation flags in
//! Testat's own words), lookup by ID with suggestions for typos, full-text search,
//! export as an OSCAL catalog, and loaders for external catalogues a user holds.
//!
//! ```
//! let c5 = testat_catalog::builtin();
//! let criterion = c5.get("cry-03").unwrap();
//! assert_eq!(criterion.domain, "CRY");
//! ```

mod error;
mod external;
mod load;
mod lookup;
mod model;
mod oscal;

pub use error::CatalogError;
pub use external::{ExternalCatalog, ExternalFormat, ExternalText, MAX_EXTERNAL_BYTES, Unmatched};
pub use load::{builtin, yaml_error_parts};
pub use lookup::SearchHit;
pub use model::{AdditionalCriterion, Automation, Catalog, Criterion, Domain, TAGS};
pub use oscal::{OSCAL_VERSION, TESTAT_NS, control_id};

/// Whether `id` has the shape of a criterion ID (`^[A-Z]{2,3}-[0-9]{2}$`).
pub fn is_criterion_id(id: &str) -> bool {
    load::is_criterion_id(id)
}
