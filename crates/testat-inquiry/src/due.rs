//! What falls due in the register: answer deadlines of undecided requests and reviews
//! of notification bars.

use chrono::NaiveDate;
use serde::Serialize;

use crate::record::{InquiryRecord, Notification};
use crate::state::InquiryState;

/// Something coming up (or overdue) for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The day it falls due.
    pub date: NaiveDate,
    /// Whether that day has passed.
    pub overdue: bool,
    /// The request.
    pub inquiry: i64,
    /// What falls due.
    pub what: DueWhat,
}

/// What falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DueWhat {
    /// The authority's deadline for an answer, on a request not yet decided.
    Deadline {
        /// The requesting authority.
        authority: String,
        /// Where the request stands.
        state: InquiryState,
    },
    /// The review of a notification bar.
    BarReview,
}

/// Everything that falls due up to `days` days after `today`, overdue items included,
/// by date and then request.
pub fn due(records: &[InquiryRecord], today: NaiveDate, days: i64) -> Vec<Due> {
    let horizon = today + chrono::Duration::days(days);
    let mut items = Vec::new();
    for r in records {
        if r.outcome().is_none()
            && r.state != InquiryState::Closed
            && let Some(deadline) = r.inquiry.deadline
            && deadline <= horizon
        {
            items.push(Due {
                date: deadline,
                overdue: deadline < today,
                inquiry: r.inquiry.id,
                what: DueWhat::Deadline {
                    authority: r.inquiry.authority.clone(),
                    state: r.state,
                },
            });
        }
        if let Some(Notification::Barred { review, .. }) = &r.notification
            && *review <= horizon
        {
            items.push(Due {
                date: *review,
                overdue: *review < today,
                inquiry: r.inquiry.id,
                what: DueWhat::BarReview,
            });
        }
    }
    items.sort_by_key(|item| (item.date, item.inquiry));
    items
}
