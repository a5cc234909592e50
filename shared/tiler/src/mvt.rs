//! Mapbox Vector Tile 2.1 encoding, written by hand: a tile is a few nested protobuf messages.

use crate::feature::{Kind, Value};
use std::collections::HashMap;

/// Tile extent in tile units.
pub const EXTENT: u32 = 4096;

/// One feature ready to encode: rings in tile coordinates, already valid and wound.
#[derive(Debug, Clone)]
pub(crate) struct TileFeature<'a> {
    pub id: u64,
    pub kind: Kind,
    pub rings: Vec<Vec<[i32; 2]>>,
    pub props: &'a [(u16, Value)],
}

#[derive(Hash, PartialEq, Eq)]
enum ValueKey<'a> {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(u64),
    Str(&'a str),
}

fn value_key(v: &Value) -> ValueKey<'_> {
    match v {
        Value::Bool(b) => ValueKey::Bool(*b),
        Value::Int(i) => ValueKey::Int(*i),
        Value::UInt(u) => ValueKey::UInt(*u),
        Value::Float(f) => ValueKey::Float(f.to_bits()),
        Value::Str(s) => ValueKey::Str(s),
    }
}

/// Appends a varint.
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn put_bytes(buf: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    buf.push(tag);
    put_varint(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn command(id: u32, count: usize) -> u32 {
    (id & 7) | ((count as u32) << 3)
}

/// Geometry commands of a feature.
fn geometry(kind: Kind, rings: &[Vec<[i32; 2]>], out: &mut Vec<u32>) {
    let mut cx = 0i32;
    let mut cy = 0i32;
    let mut push = |out: &mut Vec<u32>, p: [i32; 2]| {
        out.push(zigzag(p[0].wrapping_sub(cx)));
        out.push(zigzag(p[1].wrapping_sub(cy)));
        cx = p[0];
        cy = p[1];
    };
    match kind {
        Kind::Point => {
            let n: usize = rings.iter().map(Vec::len).sum();
            out.push(command(1, n));
            for p in rings.iter().flatten() {
                push(out, *p);
            }
        }
        Kind::Line | Kind::Polygon => {
            for ring in rings {
                // Polygon rings are stored closed; the closing point is a ClosePath.
                let n = if kind == Kind::Polygon {
                    ring.len() - 1
                } else {
                    ring.len()
                };
                out.push(command(1, 1));
                push(out, ring[0]);
                out.push(command(2, n - 1));
                for p in &ring[1..n] {
                    push(out, *p);
                }
                if kind == Kind::Polygon {
                    out.push(command(7, 1));
                }
            }
        }
    }
}

/// Encodes one layer message (without its enclosing tag).
pub(crate) fn encode_layer(name: &str, keys: &[String], features: &[&TileFeature]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(1024);
    buf.push(120);
    put_varint(&mut buf, 2);
    put_bytes(&mut buf, 10, name.as_bytes());
    let mut key_ids: Vec<Option<u32>> = vec![None; keys.len()];
    let mut used_keys: Vec<u16> = Vec::new();
    let mut values: HashMap<ValueKey, u32> = HashMap::new();
    let mut value_list: Vec<&Value> = Vec::new();
    let mut tags: Vec<u32> = Vec::new();
    let mut geom: Vec<u32> = Vec::new();
    let mut packed: Vec<u8> = Vec::new();
    let mut feature_buf: Vec<u8> = Vec::new();
    for f in features {
        tags.clear();
        for (k, v) in f.props {
            let Some(slot) = key_ids.get_mut(usize::from(*k)) else {
                continue;
            };
            let key_id = *slot.get_or_insert_with(|| {
                used_keys.push(*k);
                (used_keys.len() - 1) as u32
            });
            let next = value_list.len() as u32;
            let value_id = *values.entry(value_key(v)).or_insert_with(|| {
                value_list.push(v);
                next
            });
            tags.push(key_id);
            tags.push(value_id);
        }
        geom.clear();
        geometry(f.kind, &f.rings, &mut geom);
        feature_buf.clear();
        feature_buf.push(8);
        put_varint(&mut feature_buf, f.id);
        if !tags.is_empty() {
            packed.clear();
            for t in &tags {
                put_varint(&mut packed, u64::from(*t));
            }
            put_bytes(&mut feature_buf, 18, &packed);
        }
        feature_buf.push(24);
        put_varint(&mut feature_buf, f.kind as u64);
        packed.clear();
        for g in &geom {
            put_varint(&mut packed, u64::from(*g));
        }
        put_bytes(&mut feature_buf, 34, &packed);
        put_bytes(&mut buf, 18, &feature_buf);
    }
    for k in &used_keys {
        put_bytes(&mut buf, 26, keys[usize::from(*k)].as_bytes());
    }
    let mut value_buf = Vec::new();
    for v in value_list {
        value_buf.clear();
        match v {
            Value::Str(s) => put_bytes(&mut value_buf, 10, s.as_bytes()),
            Value::Float(f) => {
                value_buf.push(25);
                value_buf.extend_from_slice(&f.to_le_bytes());
            }
            Value::UInt(u) => {
                value_buf.push(40);
                put_varint(&mut value_buf, *u);
            }
            Value::Int(i) if *i >= 0 => {
                value_buf.push(40);
                put_varint(&mut value_buf, *i as u64);
            }
            Value::Int(i) => {
                value_buf.push(48);
                put_varint(&mut value_buf, ((i << 1) ^ (i >> 63)) as u64);
            }
            Value::Bool(b) => {
                value_buf.push(56);
                value_buf.push(u8::from(*b));
            }
        }
        put_bytes(&mut buf, 34, &value_buf);
    }
    buf.push(40);
    put_varint(&mut buf, u64::from(EXTENT));
    buf
}

/// Appends a layer message to a tile.
pub(crate) fn push_layer(tile: &mut Vec<u8>, layer: &[u8]) {
    put_bytes(tile, 26, layer);
}
