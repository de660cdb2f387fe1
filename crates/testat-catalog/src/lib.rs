//! Criteria catalogues for Testat.
//!
//! This crate owns the BSI C5 catalogues that ship inside Testat, C5:2020 and C5:2026
//! (IDs, domains and titles from the BSI; summaries, customer parts, sub-criterion
//! labels, tags and automation flags in Testat's own words), lookup by ID with
//! suggestions for typos, full-text search, export as an OSCAL catalog, and loaders
//! for external catalogues a user holds. Beside the catalogues it carries the
//! crosswalk from C5:2020 to C5:2026 and the frameworks C5 evidence bears on
//! (ISO/IEC 27001:2022 Annex A, the GDPR, the BDSG) with Testat's mappings to them.
//!
//! ```
//! use testat_catalog::{C5Version, builtin, builtin_version};
//!
//! let c5 = builtin(); // C5:2020, the default
//! let criterion = c5.get("cry-03").unwrap();
//! assert_eq!(criterion.domain, "CRY");
//!
//! let c5_2026 = builtin_version(C5Version::V2026);
//! let found = c5_2026.find("CRY-03.01B").unwrap();
//! assert_eq!(found.criterion().id, "CRY-03");
//! ```

mod crosswalk;
mod error;
mod external;
mod framework;
mod load;
mod lookup;
mod model;
mod oscal;
mod version;

pub use crosswalk::{Crosswalk, Pair, Relation, crosswalk};
pub use error::CatalogError;
pub use external::{ExternalCatalog, ExternalFormat, ExternalText, MAX_EXTERNAL_BYTES, Unmatched};
pub use framework::{
    Framework, FrameworkControl, FrameworkGroup, FrameworkMapping, Mapping, Support,
    UnmappedControl, framework, framework_mappings_for, frameworks, mappings,
};
pub use load::{builtin, builtin_version, yaml_error_parts};
pub use lookup::{Found, SearchHit};
pub use model::{
    AdditionalCriterion, Automation, Catalog, Criterion, Domain, Level, SubCriterion, TAGS,
};
pub use oscal::{OSCAL_UUID_SEED, OSCAL_VERSION, TESTAT_NS, control_id};
pub use version::C5Version;

/// Whether `id` has the shape of a criterion ID (`^[A-Z]{2,3}-[0-9]{2}$`).
///
/// A sub-criterion ID (`CRY-03.01B`) is not a criterion ID; see
/// [`is_subcriterion_id`] and [`is_criterion_or_subcriterion_id`].
pub fn is_criterion_id(id: &str) -> bool {
    load::is_criterion_id(id)
}

/// Whether `id` has the shape of a C5:2026 sub-criterion ID
/// (`^[A-Z]{2,3}-[0-9]{2}\.[0-9]{2}(B|AS|AC)$`, e.g. `CRY-03.01B`).
pub fn is_subcriterion_id(id: &str) -> bool {
    load::is_subcriterion_id(id)
}

/// Whether `id` has the shape of a criterion ID or of a sub-criterion ID: what a
/// C5:2026 engagement accepts wherever criteria are named.
pub fn is_criterion_or_subcriterion_id(id: &str) -> bool {
    load::is_criterion_id(id) || load::is_subcriterion_id(id)
}
