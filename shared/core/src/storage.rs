//! The storage types: one object store and one byte quota each.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Where a workspace's bytes live: one object store (an S3 bucket, a local folder) per type,
/// each with its own byte quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    /// Files sent by members, kept until they are integrated.
    Uploads,
    /// Vector databases: one FlatGeobuf per layer and a schema document.
    Databases,
    /// Tile pyramids: one PMTiles archive each.
    Pyramids,
    /// MapLibre style documents.
    Styles,
}

impl StorageType {
    /// Every storage type.
    pub const ALL: [StorageType; 4] = [
        StorageType::Uploads,
        StorageType::Databases,
        StorageType::Pyramids,
        StorageType::Styles,
    ];

    /// The type's name, as in URLs, bucket names and folder names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploads => "uploads",
            Self::Databases => "databases",
            Self::Pyramids => "pyramids",
            Self::Styles => "styles",
        }
    }

    /// Parses a storage type name.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|storage| storage.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "storage",
                    format!(
                        "`{text}` is not a storage type; use uploads, databases, pyramids or styles"
                    ),
                )
            })
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_storage_type_parses_back_from_its_name() {
        for storage in StorageType::ALL {
            assert_eq!(StorageType::parse(storage.as_str()).unwrap(), storage);
        }
        assert!(StorageType::parse("streams").is_err());
    }
}
