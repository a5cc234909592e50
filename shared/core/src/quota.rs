//! Quotas: one byte limit per storage type and a limit on published streams, with usage and
//! reservations.
//!
//! Bytes are reserved before they are written, then committed (they become used) or released.
//! The records port makes each of these one atomic operation, so racing reservations never
//! exceed a limit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::ids::{ReservationId, WorkspaceId};

/// A quota of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quota {
    /// Bytes of uploaded files.
    Uploads,
    /// Bytes of vector databases.
    Databases,
    /// Bytes of tile pyramids.
    Pyramids,
    /// Bytes of style files.
    Styles,
    /// Number of published streams.
    Streams,
}

impl Quota {
    /// Every quota.
    pub const ALL: [Quota; 5] = [
        Quota::Uploads,
        Quota::Databases,
        Quota::Pyramids,
        Quota::Styles,
        Quota::Streams,
    ];

    /// The quota's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploads => "uploads",
            Self::Databases => "databases",
            Self::Pyramids => "pyramids",
            Self::Styles => "styles",
            Self::Streams => "streams",
        }
    }

    /// Parses a quota name.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|quota| quota.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "quota",
                    format!(
                        "`{text}` is not a quota; use uploads, databases, pyramids, styles or streams"
                    ),
                )
            })
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The limits of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Bytes allowed for uploads.
    pub uploads: u64,
    /// Bytes allowed for vector databases.
    pub databases: u64,
    /// Bytes allowed for pyramids.
    pub pyramids: u64,
    /// Bytes allowed for styles.
    pub styles: u64,
    /// Published streams allowed.
    pub streams: u64,
}

impl Limits {
    /// The limit of one quota.
    pub fn of(&self, quota: Quota) -> u64 {
        match quota {
            Quota::Uploads => self.uploads,
            Quota::Databases => self.databases,
            Quota::Pyramids => self.pyramids,
            Quota::Styles => self.styles,
            Quota::Streams => self.streams,
        }
    }
}

const MB: u64 = 1_000_000;
const GB: u64 = 1_000 * MB;

/// A named set of limits given to a workspace when it is approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// To try the platform: 90 MB per storage type, 2 streams.
    Test,
    /// 10 GB per storage type, 20 streams.
    Standard,
    /// 100 GB per storage type, 100 streams.
    Large,
    /// Limits set by a platform administrator.
    Custom,
}

impl Plan {
    /// The plan's limits (for `Custom`, the test limits as a starting point).
    pub fn limits(self) -> Limits {
        let (bytes, streams) = match self {
            Plan::Test | Plan::Custom => (90 * MB, 2),
            Plan::Standard => (10 * GB, 20),
            Plan::Large => (100 * GB, 100),
        };
        Limits {
            uploads: bytes,
            databases: bytes,
            pyramids: bytes,
            styles: bytes,
            streams,
        }
    }
}

/// What a workspace uses and holds in reservation, per quota.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Committed amounts.
    pub used: BTreeMap<Quota, u64>,
    /// Amounts reserved and not yet committed or released.
    pub reserved: BTreeMap<Quota, u64>,
}

impl Usage {
    /// Used plus reserved: what counts against the limit.
    pub fn held(&self, quota: Quota) -> u64 {
        self.used.get(&quota).copied().unwrap_or(0)
            + self.reserved.get(&quota).copied().unwrap_or(0)
    }
}

/// Share of a limit from which a workspace shows a warning.
pub const WARNING_RATIO: f64 = 0.9;

/// One quota's figures, as shown to members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaStatus {
    /// Which quota.
    pub quota: Quota,
    /// Committed amount.
    pub used: u64,
    /// Reserved amount.
    pub reserved: u64,
    /// The limit.
    pub limit: u64,
    /// Share of the limit held (used + reserved), 0 to 1 or more.
    pub ratio: f64,
    /// True from [`WARNING_RATIO`] on.
    pub warning: bool,
}

/// Every quota's figures for a workspace.
pub fn statuses(limits: &Limits, usage: &Usage) -> Vec<QuotaStatus> {
    Quota::ALL
        .into_iter()
        .map(|quota| {
            let limit = limits.of(quota);
            let held = usage.held(quota);
            let ratio = if limit == 0 {
                if held == 0 {
                    0.0
                } else {
                    1.0
                }
            } else {
                held as f64 / limit as f64
            };
            QuotaStatus {
                quota,
                used: usage.used.get(&quota).copied().unwrap_or(0),
                reserved: usage.reserved.get(&quota).copied().unwrap_or(0),
                limit,
                ratio,
                warning: limit > 0 && ratio >= WARNING_RATIO,
            }
        })
        .collect()
}

/// Amount set aside against a quota before it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// Identifier.
    pub id: ReservationId,
    /// Workspace charged.
    pub workspace: WorkspaceId,
    /// Quota charged.
    pub quota: Quota,
    /// Amount reserved (bytes, or streams).
    pub amount: u64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When cleanup may release it if it was neither committed nor released.
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_plan_stays_under_100_mb_and_2_streams() {
        let limits = Plan::Test.limits();
        for quota in [
            Quota::Uploads,
            Quota::Databases,
            Quota::Pyramids,
            Quota::Styles,
        ] {
            assert!(limits.of(quota) < 100 * MB);
        }
        assert_eq!(limits.streams, 2);
    }

    #[test]
    fn warning_starts_at_ninety_percent_of_used_plus_reserved() {
        let limits = Plan::Test.limits();
        let mut usage = Usage::default();
        usage.used.insert(Quota::Uploads, 79 * MB);
        usage.reserved.insert(Quota::Uploads, MB);
        let before = statuses(&limits, &usage);
        assert!(!before[0].warning, "{:?}", before[0]);
        usage.used.insert(Quota::Uploads, 80 * MB);
        let after = statuses(&limits, &usage);
        assert!(after[0].warning, "{:?}", after[0]);
        assert!(!after[1].warning);
    }

    #[test]
    fn quota_names_parse() {
        assert_eq!(Quota::parse("styles").unwrap(), Quota::Styles);
        assert!(Quota::parse("bytes").is_err());
    }
}
