//! New identifiers, as a port, so tests control them.

/// New identifiers, so tests control them.
pub trait Ids: Send + Sync {
    /// A fresh unique suffix for an identifier (lowercase ASCII letters and digits).
    fn fresh(&self) -> String;
}

/// Random identifiers (UUID v4 without dashes).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl Ids for RandomIds {
    fn fresh(&self) -> String {
        uuid::Uuid::new_v4().simple().to_string()
    }
}
