//! GeoPackage: every table of `gpkg_geometry_columns` is a layer; CRS from
//! `gpkg_spatial_ref_sys`; geometries are GeoPackage binary blobs.

use super::{LayerInfo, LayerReader, Sink};
use crate::crs::CrsHint;
use crate::error::{IngestError, Result};
use crate::feature::{RawFeature, Skip, SourceField, Value};
use crate::ingest::Limits;
use crate::schema::FieldKind;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

fn connect(path: &Path, display: &str) -> Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| IngestError::malformed(display, None, format!("not a GeoPackage ({e})")))
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn kind(declared: &str) -> FieldKind {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("BOOL") {
        FieldKind::Boolean
    } else if upper.contains("INT") {
        FieldKind::Integer
    } else if upper.contains("REAL")
        || upper.contains("FLOAT")
        || upper.contains("DOUBLE")
        || upper.contains("NUMERIC")
    {
        FieldKind::Float
    } else if upper.starts_with("DATE") {
        FieldKind::Date
    } else {
        FieldKind::String
    }
}

fn srs(connection: &Connection, srs_id: i64) -> CrsHint {
    let row = connection.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |row| Ok((row.get::<_, Option<String>>(0)?, row.get::<_, Option<i64>>(1)?, row.get::<_, Option<String>>(2)?)),
    );
    match row {
        Ok((Some(org), Some(code), _)) if org.eq_ignore_ascii_case("EPSG") && code > 0 => {
            CrsHint::Epsg(code as u32)
        }
        Ok((_, _, Some(definition)))
            if !definition.trim().eq_ignore_ascii_case("undefined")
                && !definition.trim().is_empty() =>
        {
            CrsHint::Text(definition)
        }
        _ if srs_id == 0 => CrsHint::Wgs84,
        _ => CrsHint::Missing(format!(
            "spatial reference system {srs_id} is undefined in the GeoPackage"
        )),
    }
}

/// Opens a GeoPackage: one layer per geometry table.
pub(crate) fn open(
    path: &Path,
    display: &str,
    _limits: &Limits,
) -> Result<Vec<Box<dyn LayerReader>>> {
    let connection = connect(path, display)?;
    let not_gpkg = |e: rusqlite::Error| {
        let rasters = connection
            .query_row("SELECT count(*) FROM gpkg_contents WHERE data_type IN ('tiles', '2d-gridded-coverage')", [], |row| row.get::<_, i64>(0))
            .unwrap_or(0);
        if rasters > 0 {
            return IngestError::UnsupportedFormat {
                file: display.to_string(),
                found: "a GeoPackage holding only raster tiles and no vector layer".to_string(),
            };
        }
        IngestError::malformed(display, None, format!("not a valid GeoPackage ({e})"))
    };
    let tables: Vec<(String, String, i64)> = {
        let mut statement = connection
            .prepare("SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns")
            .map_err(not_gpkg)?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .map_err(not_gpkg)?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(not_gpkg)?
    };
    if tables.is_empty() {
        let rasters: Vec<String> = connection
            .prepare("SELECT table_name FROM gpkg_contents WHERE data_type IN ('tiles', '2d-gridded-coverage')")
            .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
            .unwrap_or_default();
        if !rasters.is_empty() {
            return Err(IngestError::UnsupportedFormat {
                file: display.to_string(),
                found: format!(
                    "a GeoPackage holding only raster tiles ({}) and no vector layer",
                    rasters
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    let mut layers: Vec<Box<dyn LayerReader>> = Vec::new();
    for (table, geometry_column, srs_id) in tables {
        let mut columns = Vec::new();
        let mut statement = connection
            .prepare(&format!("PRAGMA table_info({})", quote(&table)))
            .map_err(not_gpkg)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    row.get::<_, i64>(5)?,
                ))
            })
            .map_err(not_gpkg)?;
        for row in rows {
            let (name, declared, pk) = row.map_err(not_gpkg)?;
            let is_fid = pk > 0 && declared.eq_ignore_ascii_case("INTEGER");
            if name == geometry_column || is_fid || declared.eq_ignore_ascii_case("BLOB") {
                continue;
            }
            columns.push(SourceField {
                name,
                kind: kind(&declared),
            });
        }
        if columns.is_empty() && statement.column_count() == 0 {
            return Err(IngestError::malformed(
                display,
                Some(&table),
                "the table listed in gpkg_geometry_columns does not exist",
            ));
        }
        let info = LayerInfo {
            name: table.clone(),
            source: display.to_string(),
            crs: srs(&connection, srs_id),
            fields: columns,
            warnings: Vec::new(),
        };
        layers.push(Box::new(GpkgLayer {
            path: path.to_path_buf(),
            table,
            geometry_column,
            info,
        }));
    }
    Ok(layers)
}

struct GpkgLayer {
    path: PathBuf,
    table: String,
    geometry_column: String,
    info: LayerInfo,
}

fn value(raw: ValueRef<'_>, kind: FieldKind) -> Value {
    match raw {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(i) if kind == FieldKind::Boolean => Value::Boolean(i != 0),
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t).into_owned();
            if kind == FieldKind::Date {
                Value::Date(text)
            } else {
                Value::String(text)
            }
        }
    }
}

impl LayerReader for GpkgLayer {
    fn info(&self) -> &LayerInfo {
        &self.info
    }

    fn read(self: Box<Self>, sink: Sink<'_>) -> Result<()> {
        let display = &self.info.source;
        let damaged = |e: rusqlite::Error| {
            IngestError::malformed(
                display,
                Some(&self.table),
                format!("the GeoPackage is damaged ({e})"),
            )
        };
        let connection = connect(&self.path, display)?;
        let mut columns = vec![quote(&self.geometry_column)];
        columns.extend(self.info.fields.iter().map(|f| quote(&f.name)));
        let sql = format!("SELECT {} FROM {}", columns.join(", "), quote(&self.table));
        let mut statement = connection.prepare(&sql).map_err(damaged)?;
        let mut rows = statement.query([]).map_err(damaged)?;
        let mut number = 0u64;
        while let Some(row) = rows.next().map_err(damaged)? {
            number += 1;
            let geometry = match row.get_ref(0).map_err(damaged)? {
                ValueRef::Blob(blob) => crate::wkb::decode_gpkg(blob).map_err(|reason| Skip {
                    number,
                    reason: format!("invalid geometry: {reason}"),
                }),
                ValueRef::Null => Ok(None),
                _ => Err(Skip {
                    number,
                    reason: "the geometry column does not hold a geometry blob".to_string(),
                }),
            };
            let result = geometry.and_then(|geometry| {
                let mut values = Vec::with_capacity(self.info.fields.len());
                for (i, field) in self.info.fields.iter().enumerate() {
                    let raw = row.get_ref(i + 1).map_err(|e| Skip {
                        number,
                        reason: e.to_string(),
                    })?;
                    values.push(value(raw, field.kind));
                }
                Ok(RawFeature {
                    number,
                    geometry,
                    values,
                })
            });
            sink(result)?;
        }
        Ok(())
    }
}
