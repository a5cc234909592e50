//! Streams one layer through reprojection and validation into its FlatGeobuf file.
//!
//! A reader thread decodes features in batches; batches are reprojected and validated in
//! parallel (rayon) and written in order. Memory stays bounded by a few batches.

use super::validate::{process, type_name, Processed, Ready};
use super::{group_digits, Issue, Limits};
use crate::crs::{self, Crs, CrsHint, DatumPlan, Reprojector};
use crate::error::{IngestError, Result};
use crate::feature::{FeatureResult, Skip};
use crate::names::UniqueNames;
use crate::read::LayerReader;
use crate::schema::{DatumTransformation, FieldSchema, LayerSchema, SkippedFeature};
use crate::vectordb::writer::LayerWriter;
use rayon::prelude::*;
use std::path::Path;

const BATCH: usize = 512;

#[derive(Default)]
struct Stats {
    written: u64,
    skipped: u64,
    listed: Vec<SkippedFeature>,
    extent: Option<[f64; 4]>,
    types: Vec<String>,
    degree_like: u64,
    outside: u64,
    first_outside: Option<(u64, [f64; 2])>,
    shifts: crate::reproject::Used,
    truncated: u64,
    first_truncated: Option<(u64, String, usize)>,
}

/// Writes one layer; `None` when the layer holds no feature at all.
pub(crate) fn write(
    reader: Box<dyn LayerReader>,
    crs_override: Option<&CrsHint>,
    output_dir: &Path,
    names: &mut UniqueNames,
    limits: &Limits,
    warnings: &mut Vec<Issue>,
) -> Result<Option<LayerSchema>> {
    let info = reader.info().clone();
    let issue = |code: &str, message: String| Issue {
        code: code.to_string(),
        file: info.source.clone(),
        layer: Some(info.name.clone()),
        message,
    };
    for warning in &info.warnings {
        warnings.push(issue(
            "reader",
            format!("`{}` layer `{}`: {warning}", info.source, info.name),
        ));
    }
    let unknown = |found: String| IngestError::UnknownCrs {
        file: info.source.clone(),
        layer: Some(info.name.clone()),
        found,
    };
    let crs = match crs::resolve(crs_override.unwrap_or(&info.crs)) {
        Ok(crs) => crs,
        Err(found) => {
            // A layer without features needs no CRS: report it as empty rather than unknown.
            let mut any = false;
            let read = reader.read(&mut |_| {
                any = true;
                Err(IngestError::malformed("", None, "stop"))
            });
            if any || read.is_err() {
                return Err(unknown(found));
            }
            warnings.push(issue(
                "empty_layer",
                format!(
                    "`{}` layer `{}` holds no feature and was left out",
                    info.source, info.name
                ),
            ));
            return Ok(None);
        }
    };
    if crs.proj.is_some() {
        Reprojector::for_crs(&crs).map_err(|e| unknown(format!("{} ({e})", crs.label)))?;
    }
    let mut field_names = UniqueNames::new(&[]);
    let fields: Vec<FieldSchema> = info
        .fields
        .iter()
        .map(|f| FieldSchema {
            name: field_names.claim(&f.name, "field"),
            original_name: f.name.clone(),
            kind: f.kind,
        })
        .collect();
    let name = names.claim(&info.name, "layer");
    let file = format!("{name}.fgb");
    let output = |detail: String| IngestError::Output {
        path: output_dir.join(&file),
        detail,
    };
    let writer = LayerWriter::new(&name, &fields).map_err(output)?;

    let (writer, stats) = std::thread::scope(|scope| -> Result<(LayerWriter, Stats)> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<FeatureResult>>(4);
        let reading = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let result = reader.read(&mut |feature| {
                batch.push(feature);
                if batch.len() >= BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    tx.send(full)
                        .map_err(|_| IngestError::malformed("", None, "reading was interrupted"))?;
                }
                Ok(())
            });
            if result.is_ok() && !batch.is_empty() {
                let _ = tx.send(batch);
            }
            result
        });
        let (processed_tx, processed_rx) = std::sync::mpsc::sync_channel::<Vec<Processed>>(4);
        let output = &output;
        let writing = scope.spawn(move || -> Result<(LayerWriter, Stats)> {
            let mut writer = writer;
            let mut stats = Stats::default();
            for batch in processed_rx.iter() {
                for item in batch {
                    match item {
                        Ok(ready) => {
                            stats.record(&ready);
                            let added = crate::error::catch_quietly(|| {
                                writer.add(ready.geometry, &ready.values)
                            })
                            .unwrap_or_else(|_| Err("a geometry could not be encoded".to_string()));
                            added.map_err(output)?;
                        }
                        Err(skip) => stats.skip(skip, limits),
                    }
                }
            }
            Ok((writer, stats))
        });
        for batch in rx.iter() {
            let processed: Vec<Processed> = batch
                .into_par_iter()
                .map_init(
                    || {
                        crs.proj
                            .as_ref()
                            .and_then(|_| Reprojector::for_crs(&crs).ok())
                    },
                    |reprojector, feature| {
                        process(feature, reprojector.as_ref(), &crs, &fields, limits)
                    },
                )
                .collect();
            if processed_tx.send(processed).is_err() {
                break;
            }
        }
        drop(processed_tx);
        drop(rx);
        let written = match writing.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let read = match reading.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let written = written?;
        read?;
        Ok(written)
    })?;

    if stats.written == 0 {
        if let Some(first) = stats.listed.first() {
            return Err(IngestError::InvalidFeatures {
                file: info.source.clone(),
                layer: info.name.clone(),
                count: stats.skipped,
                feature: first.feature,
                reason: first.reason.clone(),
            });
        }
        warnings.push(issue(
            "empty_layer",
            format!(
                "`{}` layer `{}` holds no feature and was left out",
                info.source, info.name
            ),
        ));
        return Ok(None);
    }
    writer.finish(&output_dir.join(&file)).map_err(output)?;
    if let Some(first) = stats.listed.first() {
        warnings.push(issue(
            "skipped_features",
            format!(
                "`{}` layer `{}`: {} features were skipped, first at feature {}: {}",
                info.source,
                info.name,
                group_digits(stats.skipped),
                group_digits(first.feature),
                first.reason
            ),
        ));
    }
    if let Some((feature, [lon, lat])) = stats.first_outside {
        warnings.push(issue(
            "outside_crs_area",
            format!(
                "`{}` layer `{}`: {} features lie outside the area where {} is used, first at feature {} (near longitude {lon:.4}, latitude {lat:.4}); is the CRS right?",
                info.source,
                info.name,
                group_digits(stats.outside),
                crs.label,
                group_digits(feature)
            ),
        ));
    }
    if let Some((feature, field, size)) = &stats.first_truncated {
        warnings.push(issue(
            "truncated_attributes",
            format!(
                "`{}` layer `{}`: {} features had an attribute longer than the {} bytes allowed, cut to that size, first at feature {} (`{field}`, {} bytes); the features were kept",
                info.source,
                info.name,
                group_digits(stats.truncated),
                group_digits(limits.max_value_bytes as u64),
                group_digits(*feature),
                group_digits(*size as u64)
            ),
        ));
    }
    if let DatumPlan::Ballpark { datum } = &crs.datum {
        warnings.push(issue(
            "ballpark_datum",
            format!(
                "`{}` layer `{}`: no transformation from {datum} to WGS 84 is known, so coordinates were kept as they are (errors of up to a few hundred metres are possible); choose the CRS explicitly (an EPSG code) if you know it",
                info.source, info.name
            ),
        ));
    }
    if stats.degree_like == stats.written {
        warnings.push(issue(
            "suspicious_crs",
            format!(
                "`{}` layer `{}`: the coordinates look like degrees; is the file in EPSG:4326 rather than {}?",
                info.source, info.name, crs.label
            ),
        ));
    }
    Ok(Some(LayerSchema {
        name,
        original_name: info.name.clone(),
        source: info.source.clone(),
        file,
        source_crs: crs.label.clone(),
        geometry_types: stats.types,
        fields,
        feature_count: stats.written,
        extent: stats.extent,
        skipped_count: stats.skipped,
        skipped: stats.listed,
        datum_transformations: transformations(&crs, stats.shifts),
    }))
}

impl Stats {
    fn record(&mut self, ready: &Ready) {
        self.written += 1;
        self.shifts |= ready.shifts;
        if let Some((field, size)) = &ready.truncated {
            self.truncated += 1;
            if self.first_truncated.is_none() {
                self.first_truncated = Some((ready.number, field.clone(), *size));
            }
        }
        if ready.outside_area {
            self.outside += 1;
            if self.first_outside.is_none() {
                let b = ready.bbox.unwrap_or_default();
                self.first_outside = Some((ready.number, [b[0], b[1]]));
            }
        }
        if ready.looks_like_degrees {
            self.degree_like += 1;
        }
        let kind = type_name(&ready.geometry);
        if !self.types.iter().any(|t| t == kind) {
            self.types.push(kind.to_string());
        }
        if let Some(b) = ready.bbox {
            self.extent = Some(match self.extent {
                None => b,
                Some(e) => [
                    e[0].min(b[0]),
                    e[1].min(b[1]),
                    e[2].max(b[2]),
                    e[3].max(b[3]),
                ],
            });
        }
    }

    fn skip(&mut self, skip: Skip, limits: &Limits) {
        self.skipped += 1;
        if self.listed.len() < limits.max_skipped_listed {
            self.listed.push(SkippedFeature {
                feature: skip.number,
                reason: skip.reason,
            });
        }
    }
}

/// The datum transformations a layer went through, for the schema.
fn transformations(crs: &Crs, used: crate::reproject::Used) -> Vec<DatumTransformation> {
    let epsg = |h: &crate::datum::Helmert| DatumTransformation {
        name: h.name.to_string(),
        code: Some(format!("EPSG:{}", h.code)),
        accuracy_m: h.accuracy,
    };
    match &crs.datum {
        _ if crs.proj.is_none() && crs.label == "EPSG:4326" => Vec::new(),
        DatumPlan::Null { geographic } => {
            let best = geographic.and_then(|g| {
                crate::datum::helmerts(g).iter().min_by(|a, b| {
                    a.accuracy
                        .unwrap_or(f64::MAX)
                        .total_cmp(&b.accuracy.unwrap_or(f64::MAX))
                })
            });
            match best {
                Some(h) => vec![epsg(h)],
                None if *geographic == Some(4326) => Vec::new(),
                None => vec![DatumTransformation {
                    name: "none: the datum is taken as WGS 84".to_string(),
                    code: None,
                    accuracy_m: None,
                }],
            }
        }
        DatumPlan::Table { geographic } => {
            let helmerts = crate::datum::helmerts(*geographic);
            let mut out: Vec<DatumTransformation> = (0..crate::reproject::OUTSIDE_EVERY_AREA)
                .filter(|bit| used & (1 << bit) != 0)
                .filter_map(|bit| helmerts.get(bit as usize))
                .map(epsg)
                .collect();
            if used & (1 << crate::reproject::OUTSIDE_EVERY_AREA) != 0 {
                out.push(DatumTransformation {
                    name: "ballpark (no shift) for points outside every area of use".to_string(),
                    code: None,
                    accuracy_m: None,
                });
            }
            out
        }
        DatumPlan::Declared { parameters } => vec![DatumTransformation {
            name: format!("declared by the CRS definition ({parameters})"),
            code: None,
            accuracy_m: None,
        }],
        DatumPlan::Ballpark { datum } => vec![DatumTransformation {
            name: format!("ballpark: {datum} taken as WGS 84 (no transformation known)"),
            code: None,
            accuracy_m: None,
        }],
    }
}
