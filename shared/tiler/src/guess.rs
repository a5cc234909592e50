//! Guesses from the data: a maximum zoom when none is given, the densest area for samples.

use crate::error::Result;
use crate::feature::{project_x, project_y, Kind};
use crate::read::{read_layer, LayerReader};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

/// Features looked at per layer to guess the maximum zoom.
const SAMPLE_FEATURES: usize = 4000;
/// Highest zoom ever guessed.
const MAX_GUESS: u8 = 14;

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// A maximum zoom where the typical feature spans about half a tile and the typical segment
/// spans a few tile units; points: where their typical spacing is about half a tile.
pub(crate) fn guess_max_zoom(readers: &[LayerReader], cancel: &AtomicBool) -> Result<u8> {
    let mut best = 0u8;
    for reader in readers {
        let mut sizes = Vec::new();
        let mut segments = Vec::new();
        let mut points: Vec<(f64, f64)> = Vec::new();
        read_layer(reader, None, cancel, |raw| {
            for (kind, parts) in &raw.parts {
                let mut b = [
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ];
                for (_, ring) in parts {
                    let mut prev: Option<(f64, f64)> = None;
                    for p in ring {
                        let q = (project_x(p[0]), project_y(p[1]));
                        b = [b[0].min(q.0), b[1].min(q.1), b[2].max(q.0), b[3].max(q.1)];
                        if *kind == Kind::Point {
                            points.push(q);
                        } else if let Some(o) = prev {
                            if segments.len() < 200_000 {
                                segments.push((q.0 - o.0).hypot(q.1 - o.1));
                            }
                        }
                        prev = Some(q);
                    }
                }
                if *kind != Kind::Point && b[0].is_finite() {
                    sizes.push((b[2] - b[0]).max(b[3] - b[1]));
                }
            }
            Ok(sizes.len() + points.len() < SAMPLE_FEATURES)
        })?;
        let mut z = 0.0f64;
        if let Some(s) = median(sizes).filter(|s| *s > 0.0) {
            z = z.max((0.5 / s).log2());
        }
        if let Some(s) = median(segments.into_iter().filter(|s| *s > 0.0).collect()) {
            z = z.max((8.0 / (s * 4096.0)).log2());
        }
        if points.len() > 1 {
            let (mut x0, mut y0, mut x1, mut y1) = (1.0f64, 1.0f64, 0.0f64, 0.0f64);
            for (x, y) in &points {
                x0 = x0.min(*x);
                y0 = y0.min(*y);
                x1 = x1.max(*x);
                y1 = y1.max(*y);
            }
            let area = ((x1 - x0) * (y1 - y0)).max(1e-18);
            let spacing = (area / points.len() as f64).sqrt();
            z = z.max((0.5 / spacing).log2());
        }
        best = best.max(z.round().clamp(0.0, f64::from(MAX_GUESS)) as u8);
    }
    Ok(best)
}

/// Centre, in tiles of `max_zoom`, of the cell (eight tiles wide) holding the most features.
pub(crate) fn densest_center(
    readers: &[LayerReader],
    max_zoom: u8,
    cancel: &AtomicBool,
) -> Result<(f64, f64)> {
    let cell_zoom = max_zoom.saturating_sub(3);
    let n = f64::from(1u32 << cell_zoom);
    let mut counts: HashMap<(u32, u32), u64> = HashMap::new();
    for reader in readers {
        read_layer(reader, None, cancel, |raw| {
            let first = raw
                .parts
                .iter()
                .flat_map(|(_, rings)| rings.iter())
                .flat_map(|(_, r)| r.first())
                .next();
            if let Some(p) = first {
                let x = (project_x(p[0]) * n).clamp(0.0, n - 1.0) as u32;
                let y = (project_y(p[1]) * n).clamp(0.0, n - 1.0) as u32;
                *counts.entry((x, y)).or_default() += 1;
            }
            Ok(true)
        })?;
    }
    let best = counts
        .into_iter()
        .max_by_key(|(k, c)| (*c, std::cmp::Reverse(*k)))
        .map_or((0, 0), |(k, _)| k);
    let scale = f64::from(1u32 << (max_zoom - cell_zoom));
    Ok((
        (f64::from(best.0) + 0.5) * scale,
        (f64::from(best.1) + 0.5) * scale,
    ))
}
