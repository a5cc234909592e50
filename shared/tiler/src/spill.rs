//! Binary form of features in spill files: buckets of features waiting for their shard.

use crate::feature::{bbox_of, Feature, Kind, Ring, Value, Vertex};
use std::sync::Arc;

fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(buf: &mut Vec<u8>, v: u64) {
    buf.extend_from_slice(&v.to_le_bytes());
}

fn put_f64(buf: &mut Vec<u8>, v: f64) {
    buf.extend_from_slice(&v.to_le_bytes());
}

/// Appends a feature to `buf`.
pub(crate) fn write_feature(buf: &mut Vec<u8>, f: &Feature) {
    buf.extend_from_slice(&f.layer.to_le_bytes());
    put_u64(buf, f.id);
    buf.push(f.kind as u8);
    put_f64(buf, f.weight);
    put_u32(buf, f.props.len() as u32);
    for (k, v) in f.props.iter() {
        buf.extend_from_slice(&k.to_le_bytes());
        match v {
            Value::Bool(b) => {
                buf.push(0);
                buf.push(u8::from(*b));
            }
            Value::Int(i) => {
                buf.push(1);
                buf.extend_from_slice(&i.to_le_bytes());
            }
            Value::UInt(u) => {
                buf.push(4);
                put_u64(buf, *u);
            }
            Value::Float(x) => {
                buf.push(2);
                put_f64(buf, *x);
            }
            Value::Str(s) => {
                buf.push(3);
                put_u32(buf, s.len() as u32);
                buf.extend_from_slice(s.as_bytes());
            }
        }
    }
    put_u32(buf, f.rings.len() as u32);
    for r in &f.rings {
        buf.push(u8::from(r.outer));
        put_f64(buf, r.size);
        put_u32(buf, r.points.len() as u32);
        for p in &r.points {
            put_f64(buf, p.x);
            put_f64(buf, p.y);
            put_f64(buf, p.importance);
        }
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let bytes = self.data.get(self.pos..self.pos + N)?;
        self.pos += N;
        bytes.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    fn f64(&mut self) -> Option<f64> {
        self.take().map(f64::from_le_bytes)
    }
}

/// Reads every feature of a spill buffer; `None` when it is corrupt.
pub(crate) fn read_features(data: &[u8]) -> Option<Vec<Feature>> {
    let mut c = Cursor { data, pos: 0 };
    let mut out = Vec::new();
    while c.pos < data.len() {
        let layer = c.u16()?;
        let id = c.u64()?;
        let kind = match c.u8()? {
            1 => Kind::Point,
            2 => Kind::Line,
            3 => Kind::Polygon,
            _ => return None,
        };
        let weight = c.f64()?;
        let nprops = c.u32()? as usize;
        let mut props = Vec::with_capacity(nprops.min(1024));
        for _ in 0..nprops {
            let k = c.u16()?;
            let v = match c.u8()? {
                0 => Value::Bool(c.u8()? != 0),
                1 => Value::Int(c.u64()? as i64),
                4 => Value::UInt(c.u64()?),
                2 => Value::Float(c.f64()?),
                3 => {
                    let n = c.u32()? as usize;
                    let bytes = c.data.get(c.pos..c.pos + n)?;
                    c.pos += n;
                    Value::Str(String::from_utf8(bytes.to_vec()).ok()?)
                }
                _ => return None,
            };
            props.push((k, v));
        }
        let nrings = c.u32()? as usize;
        let mut rings = Vec::with_capacity(nrings.min(1 << 16));
        for _ in 0..nrings {
            let outer = c.u8()? != 0;
            let size = c.f64()?;
            let n = c.u32()? as usize;
            let mut points = Vec::with_capacity(n.min(1 << 20));
            for _ in 0..n {
                points.push(Vertex {
                    x: c.f64()?,
                    y: c.f64()?,
                    importance: c.f64()?,
                });
            }
            rings.push(Ring {
                points,
                outer,
                size,
            });
        }
        let bbox = bbox_of(&rings);
        out.push(Feature {
            layer,
            id,
            kind,
            rings,
            props: Arc::new(props),
            weight,
            bbox,
        });
    }
    Some(out)
}
