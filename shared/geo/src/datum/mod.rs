//! Datums and the transformations PROJ applies to reach WGS 84 when no grid file is installed:
//! EPSG's Helmert transformations, chosen point by point as PROJ does (the most accurate one
//! whose area of use holds the point), or PROJ's ballpark (no shift) when a datum has none.
//!
//! The tables are generated from the EPSG dataset of PROJ by `tools/datum_tables.py`.

mod helmert;
mod tables;

pub(crate) use helmert::{DatumShift, Method};
pub(crate) use tables::{geographic, geographic_by_name, helmerts, Helmert};

/// How a CRS reaches WGS 84, as recorded in the schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DatumPlan {
    /// The datum is WGS 84 or coincides with it for mapping (ETRS89, RGF93, NAD83, ...).
    Null {
        /// Geographic CRS of the source, when known.
        geographic: Option<u32>,
    },
    /// EPSG Helmert transformations of the source geographic CRS, chosen point by point.
    Table {
        /// EPSG code of the source geographic CRS.
        geographic: u32,
    },
    /// A shift written in the definition itself (`TOWGS84`, `+towgs84`).
    Declared {
        /// The parameters as written.
        parameters: String,
    },
    /// No transformation is known: coordinates keep their latitude and longitude, as PROJ's
    /// ballpark transformation does.
    Ballpark {
        /// Name of the source datum.
        datum: String,
    },
}
