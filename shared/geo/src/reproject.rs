//! Reprojection of geometries to WGS84 longitude/latitude degrees: the closed-form Lambert
//! conformal conic of the French grids, or proj4rs for everything else.

use crate::crs::Crs;
use crate::datum::{self, DatumPlan, DatumShift};
use crate::lcc::InverseLcc;
use geo_types::{Coord, Geometry};
use proj4rs::Proj;

/// Reprojects geometries from a source CRS to WGS84 lon/lat degrees: the projection is
/// inverted on the source ellipsoid, then the datum shift, if any, moves each point to WGS 84.
pub(crate) struct Reprojector {
    projection: Projection,
    shift: Option<DatumShift>,
}

/// Which transformations a reprojection used: bit `i` for candidate `i` of the datum shift
/// (the last bit for "outside every area of use, left as it is").
pub(crate) type Used = u128;

/// Bit of [`Used`] for points outside every area of use.
pub(crate) const OUTSIDE_EVERY_AREA: u32 = 127;

impl Reprojector {
    /// Builds the reprojection of a resolved CRS (which must not already be WGS 84).
    pub fn for_crs(crs: &Crs) -> Result<Self, String> {
        let proj = crs.proj.as_deref().unwrap_or("+proj=longlat +datum=WGS84");
        let shift = match &crs.datum {
            DatumPlan::Table { geographic } => datum::geographic(*geographic)
                .and_then(|g| DatumShift::new(g, datum::helmerts(*geographic))),
            _ => None,
        };
        Ok(Reprojector {
            projection: Projection::new(proj)?,
            shift,
        })
    }

    /// Builds a reprojection with proj4rs only and no datum table.
    #[cfg(test)]
    pub fn with_proj4rs(proj: &str) -> Result<Self, String> {
        Ok(Reprojector {
            projection: Projection::with_proj4rs(proj)?,
            shift: None,
        })
    }

    /// Reprojects one geometry in place; returns which datum transformations were used.
    pub fn project(&self, geometry: &mut Geometry<f64>) -> Result<Used, String> {
        self.projection.project(geometry)?;
        let mut used: Used = 0;
        if let Some(shift) = &self.shift {
            for_each_coord(geometry, &mut |c| {
                let bit = shift
                    .apply(&mut c.x, &mut c.y)
                    .map_or(OUTSIDE_EVERY_AREA, |i| {
                        (i as u32).min(OUTSIDE_EVERY_AREA - 1)
                    });
                used |= 1 << bit;
                Ok(())
            })?;
        }
        Ok(used)
    }
}

/// The projection part of a reprojection.
enum Projection {
    /// The closed-form inverse Lambert conformal conic of the French grids.
    Lcc(InverseLcc),
    /// Any projection proj4rs knows.
    Proj4rs {
        /// Source projection.
        src: Box<Proj>,
        /// WGS84 (or the source datum when the shift is null).
        dst: Box<Proj>,
        /// Whether the source is in degrees.
        src_latlong: bool,
    },
}

impl Projection {
    /// Builds the transformation for a source PROJ definition.
    pub fn new(proj: &str) -> Result<Self, String> {
        match InverseLcc::from_proj(proj) {
            Some(lcc) => Ok(Projection::Lcc(lcc)),
            None => Self::with_proj4rs(proj),
        }
    }

    /// Builds the transformation with proj4rs only.
    pub fn with_proj4rs(proj: &str) -> Result<Self, String> {
        let src = Proj::from_proj_string(proj).map_err(|error| error.to_string())?;
        // RGF93, ETRS89, NAD83 and co. with a null shift are WGS84 for mapping purposes: keep the
        // same datum on both sides so no geocentric round trip is made, as PROJ does.
        let null_shift =
            proj.contains("+towgs84=0,0,0,0,0,0,0") || proj.contains("+towgs84=0,0,0 ");
        let dst_def = if null_shift {
            proj.split_whitespace()
                .filter(|p| {
                    p.starts_with("+ellps=")
                        || p.starts_with("+a=")
                        || p.starts_with("+b=")
                        || p.starts_with("+rf=")
                        || p.starts_with("+towgs84=")
                })
                .fold("+proj=longlat".to_string(), |acc, p| format!("{acc} {p}"))
        } else {
            "+proj=longlat +datum=WGS84".to_string()
        };
        let dst = Proj::from_proj_string(&dst_def).map_err(|error| error.to_string())?;
        Ok(Projection::Proj4rs {
            src_latlong: src.is_latlong(),
            src: Box::new(src),
            dst: Box::new(dst),
        })
    }

    /// Reprojects one geometry in place; fails on coordinates outside the projection's domain.
    pub fn project(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        let (src, dst, src_latlong) = match self {
            Projection::Lcc(lcc) => {
                return for_each_coord(geometry, &mut |c| {
                    (c.x, c.y) = lcc.inverse(c.x, c.y);
                    Ok(())
                })
            }
            Projection::Proj4rs {
                src,
                dst,
                src_latlong,
            } => (src, dst, *src_latlong),
        };
        let mut points = GeometryPoints {
            geometry,
            src_latlong,
        };
        if src_latlong {
            for_each_coord(points.geometry, &mut |c| {
                c.x = c.x.to_radians();
                c.y = c.y.to_radians();
                Ok(())
            })?;
        }
        proj4rs::transform::transform(src, dst, &mut points)
            .map_err(|error| format!("reprojection failed ({error})"))?;
        let _ = points.src_latlong;
        for_each_coord(geometry, &mut |c| {
            c.x = c.x.to_degrees();
            c.y = c.y.to_degrees();
            Ok(())
        })
    }
}

struct GeometryPoints<'a> {
    geometry: &'a mut Geometry<f64>,
    src_latlong: bool,
}

impl proj4rs::transform::Transform for GeometryPoints<'_> {
    fn transform_coordinates<F: proj4rs::transform::TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        let mut failure = None;
        let _ = for_each_coord(self.geometry, &mut |c| match f(c.x, c.y, 0.0) {
            Ok((x, y, _)) => {
                c.x = x;
                c.y = y;
                Ok(())
            }
            Err(error) => {
                failure = Some(error);
                Err(String::new())
            }
        });
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// Calls `f` on every coordinate of a geometry, stopping at the first error.
pub(crate) fn for_each_coord(
    geometry: &mut Geometry<f64>,
    f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
) -> Result<(), String> {
    fn line(
        line: &mut geo_types::LineString<f64>,
        f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
    ) -> Result<(), String> {
        line.0.iter_mut().try_for_each(f)
    }
    fn polygon(
        polygon: &mut geo_types::Polygon<f64>,
        f: &mut dyn FnMut(&mut Coord<f64>) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut result = Ok(());
        polygon.exterior_mut(|ring| result = line(ring, f));
        result?;
        let mut result = Ok(());
        polygon.interiors_mut(|rings| {
            result = rings.iter_mut().try_for_each(|ring| line(ring, f));
        });
        result
    }
    match geometry {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => {
            f(&mut l.start)?;
            f(&mut l.end)
        }
        Geometry::LineString(l) => line(l, f),
        Geometry::Polygon(p) => polygon(p, f),
        Geometry::MultiPoint(m) => m.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(m) => m.0.iter_mut().try_for_each(|l| line(l, f)),
        Geometry::MultiPolygon(m) => m.0.iter_mut().try_for_each(|p| polygon(p, f)),
        Geometry::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| for_each_coord(g, f)),
        Geometry::Rect(r) => {
            let mut min = r.min();
            let mut max = r.max();
            f(&mut min)?;
            f(&mut max)?;
            *r = geo_types::Rect::new(min, max);
            Ok(())
        }
        Geometry::Triangle(t) => {
            let (mut a, mut b, mut c) = (t.v1(), t.v2(), t.v3());
            f(&mut a)?;
            f(&mut b)?;
            f(&mut c)?;
            *t = geo_types::Triangle::new(a, b, c);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::{resolve, CrsHint};
    use geo_types::point;

    #[test]
    fn lambert_93_reprojects_paris_notre_dame() {
        let crs = resolve(&CrsHint::Epsg(2154)).unwrap();
        let reprojector = Reprojector::for_crs(&crs).unwrap();
        let mut geometry = Geometry::Point(point!(x: 652_469.02, y: 6_861_333.84));
        reprojector.project(&mut geometry).unwrap();
        let Geometry::Point(p) = geometry else {
            unreachable!()
        };
        assert!(
            (p.x() - 2.35).abs() < 0.01 && (p.y() - 48.853).abs() < 0.01,
            "{p:?}"
        );
    }
}
