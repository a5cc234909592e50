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
use crate::storage::StorageType;

/// A quota of a workspace: the bytes of one storage type, or the number of published streams.
///
/// Bytes are reserved before they are written ([`Reservation`] names a [`StorageType`], so a
/// stream slot cannot be reserved as bytes); stream slots are taken by publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Quota {
    /// Bytes of one storage type.
    Storage(StorageType),
    /// Number of published streams.
    Streams,
}

impl Quota {
    /// Every quota: the four storage types, then streams.
    pub const ALL: [Quota; 5] = [
        Quota::Storage(StorageType::Uploads),
        Quota::Storage(StorageType::Databases),
        Quota::Storage(StorageType::Pyramids),
        Quota::Storage(StorageType::Styles),
        Quota::Streams,
    ];

    /// The byte quota of uploads.
    pub const UPLOADS: Quota = Quota::Storage(StorageType::Uploads);
    /// The byte quota of vector databases.
    pub const DATABASES: Quota = Quota::Storage(StorageType::Databases);
    /// The byte quota of tile pyramids.
    pub const PYRAMIDS: Quota = Quota::Storage(StorageType::Pyramids);
    /// The byte quota of styles.
    pub const STYLES: Quota = Quota::Storage(StorageType::Styles);

    /// The quota's name: a storage type's name, or `streams`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Storage(storage) => storage.as_str(),
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

    /// The storage type of a byte quota; an error naming the field for the stream count, whose
    /// slots are taken by publishing a stream, never reserved as bytes.
    pub fn storage(self) -> Result<StorageType> {
        match self {
            Self::Storage(storage) => Ok(storage),
            Self::Streams => Err(Error::invalid(
                "quota",
                "stream slots are taken by publishing a stream, not reserved directly; \
                 reserve uploads, databases, pyramids or styles",
            )),
        }
    }
}

impl From<StorageType> for Quota {
    fn from(storage: StorageType) -> Self {
        Self::Storage(storage)
    }
}

impl TryFrom<String> for Quota {
    type Error = Error;
    fn try_from(value: String) -> Result<Self> {
        Self::parse(&value)
    }
}

impl From<Quota> for String {
    fn from(value: Quota) -> String {
        value.as_str().to_owned()
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

/// The largest byte limit or amount: 2^53, the largest integer every JSON reader keeps
/// exactly (and far below what a signed 64-bit counter holds).
pub const MAX_BYTES: u64 = 1 << 53;

/// The largest stream limit.
pub const MAX_STREAMS: u64 = 1_000_000;

impl Limits {
    /// Refuses limits no counter can hold: bytes above [`MAX_BYTES`], streams above
    /// [`MAX_STREAMS`].
    pub fn check(&self) -> Result<()> {
        for (name, value) in [
            ("uploads", self.uploads),
            ("databases", self.databases),
            ("pyramids", self.pyramids),
            ("styles", self.styles),
        ] {
            if value > MAX_BYTES {
                return Err(Error::invalid(
                    &format!("limits.{name}"),
                    format!("`limits.{name}` is {value}; byte limits go up to {MAX_BYTES}"),
                ));
            }
        }
        if self.streams > MAX_STREAMS {
            return Err(Error::invalid(
                "limits.streams",
                format!(
                    "`limits.streams` is {}; at most {MAX_STREAMS} streams may be allowed",
                    self.streams
                ),
            ));
        }
        Ok(())
    }

    /// The byte limit of one storage type.
    pub fn bytes(&self, storage: StorageType) -> u64 {
        match storage {
            StorageType::Uploads => self.uploads,
            StorageType::Databases => self.databases,
            StorageType::Pyramids => self.pyramids,
            StorageType::Styles => self.styles,
        }
    }

    /// The limit of one quota.
    pub fn of(&self, quota: Quota) -> u64 {
        match quota {
            Quota::Storage(storage) => self.bytes(storage),
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
    /// Byte quota charged: the storage type the bytes will be written to.
    pub quota: StorageType,
    /// Bytes reserved.
    pub amount: u64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When cleanup may release it if it was neither committed nor released.
    pub expires_at: DateTime<Utc>,
    /// The member who made it, the only one who may commit or release it; none when the
    /// pipeline holds it for one of its steps.
    #[serde(default)]
    pub holder: Option<crate::ids::UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_plan_stays_under_100_mb_and_2_streams() {
        let limits = Plan::Test.limits();
        for storage in StorageType::ALL {
            assert!(limits.bytes(storage) < 100 * MB);
        }
        assert_eq!(limits.streams, 2);
    }

    #[test]
    fn warning_starts_at_ninety_percent_of_used_plus_reserved() {
        let limits = Plan::Test.limits();
        let mut usage = Usage::default();
        usage.used.insert(Quota::UPLOADS, 79 * MB);
        usage.reserved.insert(Quota::UPLOADS, MB);
        let before = statuses(&limits, &usage);
        assert!(!before[0].warning, "{:?}", before[0]);
        usage.used.insert(Quota::UPLOADS, 80 * MB);
        let after = statuses(&limits, &usage);
        assert!(after[0].warning, "{:?}", after[0]);
        assert!(!after[1].warning);
    }

    #[test]
    fn quota_names_parse() {
        assert_eq!(Quota::parse("styles").unwrap(), Quota::STYLES);
        assert_eq!(Quota::parse("streams").unwrap(), Quota::Streams);
        assert!(Quota::parse("bytes").is_err());
        assert!(Quota::Streams.storage().is_err());
        assert_eq!(
            serde_json::to_value(Quota::PYRAMIDS).unwrap(),
            serde_json::json!("pyramids")
        );
    }
}
