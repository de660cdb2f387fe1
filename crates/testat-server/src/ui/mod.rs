//! The web UI: server-rendered pages over the same jobs as the API. (Pages are added
//! module by module; each lists its endpoints with the access they need.)

use crate::routes::Endpoint;

/// Every page.
pub fn endpoints() -> Vec<Endpoint> {
    Vec::new()
}
