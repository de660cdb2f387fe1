//! OSCAL 1.1.2: the assessment as `assessment-results` and its open items as a
//! `plan-of-action-and-milestones` (POA&M).
//!
//! Both documents name criteria by the control IDs of the catalog export
//! ([`testat_catalog::control_id`]), carry Testat's own words (status, criterion ID,
//! rule counts) as props in Testat's namespace ([`TESTAT_NS`]), and derive every UUID
//! (v5) from stable content: the service, the catalogue, the kind and period of the
//! assessment and the criterion, rule, resource or evidence a part is about. The same
//! assessment therefore always gives the same documents, and an observation or risk
//! has the same UUID in the assessment results and in the POA&M.
//!
//! Mapping:
//!
//! | Testat | OSCAL |
//! | --- | --- |
//! | criteria in scope / scoped out | `reviewed-controls` include / exclude (reasons as props) |
//! | criterion result | `finding` targeting the control (`objective-id`); `satisfied` for met and not applicable, `not-satisfied` otherwise |
//! | rule outcome, failure interval, attestation, evidence, gap in the runs | `observation` |
//! | criterion not met or partly met | `risk` (status `open`), and a `poam-item` |
//!
//! There is no OSCAL assessment plan; `import-ap` points at a back-matter resource
//! that says so.
//!
//! | module | job |
//! | --- | --- |
//! | `results` | the assessment results |
//! | `poam` | the POA&M |
//! | `observations` | what a criterion contributes: finding, observations, risk |
//! | `common` | UUIDs, props, timestamps, metadata |

mod common;
mod observations;
mod poam;
mod results;

pub use self::poam::render_poam;
pub use self::results::render_assessment_results;
