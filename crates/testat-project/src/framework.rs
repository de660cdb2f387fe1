//! What the C5 status shows for ISO/IEC 27001:2022, the GDPR and the BDSG: the
//! framework roll-up of a status report or an assessment.

use testat_assess::{Assessment, FrameworkRollup, Status, framework_rollup};
use testat_catalog::{Framework, FrameworkMapping, frameworks};

use crate::Project;
use crate::assessment::StatusReport;
use crate::error::ProjectError;

impl Project {
    /// The built-in framework with this ID and its mapping from the project's C5
    /// version.
    pub fn framework(
        &self,
        id: &str,
    ) -> Result<(&'static Framework, &'static FrameworkMapping), ProjectError> {
        let unknown = || ProjectError::UnknownFramework {
            id: id.to_owned(),
            known: frameworks().iter().map(|f| f.id.clone()).collect(),
        };
        let framework = testat_catalog::framework(id).ok_or_else(unknown)?;
        let catalog = self.catalog();
        let version = catalog
            .c5_version()
            .ok_or_else(|| ProjectError::NoFrameworkMapping {
                catalog: catalog.name.clone(),
            })?;
        let mapping = testat_catalog::mappings(&framework.id, version).ok_or_else(|| {
            ProjectError::NoFrameworkMapping {
                catalog: catalog.name.clone(),
            }
        })?;
        Ok((framework, mapping))
    }

    /// What the criteria's status shows for the framework `id`.
    pub fn framework_status(
        &self,
        id: &str,
        status: &StatusReport,
    ) -> Result<FrameworkRollup, ProjectError> {
        let (framework, mapping) = self.framework(id)?;
        Ok(framework_rollup(
            framework,
            mapping,
            status
                .criteria
                .iter()
                .map(|c| (c.criterion.as_str(), c.title.as_str(), c.status)),
        ))
    }

    /// What an assessment shows for the framework `id`; criteria scoped out count
    /// as not applicable.
    pub fn framework_of_assessment(
        &self,
        id: &str,
        assessment: &Assessment,
    ) -> Result<FrameworkRollup, ProjectError> {
        let (framework, mapping) = self.framework(id)?;
        Ok(framework_rollup(
            framework,
            mapping,
            assessment.criteria.iter().map(|c| {
                let status = if c.scoped_out.is_some() {
                    Status::NotApplicable
                } else {
                    c.status
                };
                (c.id.as_str(), c.title.as_str(), status)
            }),
        ))
    }
}
