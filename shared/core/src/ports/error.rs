//! Why a records operation did not happen.

/// Result of a records operation.
pub type RecordsResult<T> = std::result::Result<T, RecordsError>;

/// Why a records operation did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordsError {
    /// The item to read or change does not exist.
    #[error("record not found")]
    NotFound,
    /// The item is not in the expected state any more (compare-and-set failed).
    #[error("record changed concurrently or is not in the expected state")]
    ConditionFailed,
    /// An item with the same key already exists.
    #[error("record already exists")]
    AlreadyExists,
    /// The change would leave a workspace without an owner.
    #[error("the workspace would have no owner left")]
    LastOwner,
    /// A reservation would exceed the limit.
    #[error("quota exceeded: {held} held of {limit}")]
    QuotaExceeded {
        /// Used plus reserved before this reservation.
        held: u64,
        /// The limit.
        limit: u64,
    },
    /// The back end is temporarily unavailable (throttling, timeout, connection).
    #[error("records back end temporarily unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The back end failed permanently (bad request, corrupt data).
    #[error("records back end failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}
