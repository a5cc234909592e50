//! Coverage of tiny polygons below the maximum zoom, as tippecanoe keeps it: polygons too
//! small to draw are left out (and reported), but their areas add up, and each time the sum
//! reaches one representative square, that square is drawn where the last of them lies.

/// Running sums of the areas of tiny polygons left out of one tile, per layer.
pub(crate) struct TinyPolygons {
    sums: Vec<f64>,
    side: i32,
}

impl TinyPolygons {
    /// Sums for `layers` layers; squares of at least `min_area` tile units².
    pub(crate) fn new(layers: usize, min_area: f64) -> Self {
        TinyPolygons {
            sums: vec![0.0; layers],
            side: (min_area.max(1.0).sqrt().ceil() as i32).max(1),
        }
    }

    /// Adds a tiny polygon of `area` tile units² lying at `at` (tile units); returns the
    /// representative square to draw, of about the sum's area, when the sum reaches the size of
    /// the smallest square.
    pub(crate) fn absorb(
        &mut self,
        layer: usize,
        area: f64,
        at: [i32; 2],
    ) -> Option<Vec<[i32; 2]>> {
        let sum = self.sums.get_mut(layer)?;
        *sum += area.max(0.0);
        let unit = f64::from(self.side * self.side);
        if *sum < unit {
            return None;
        }
        // One square for the whole sum: a tiny polygon larger than the unit keeps its area.
        let s = (sum.sqrt().floor() as i32).max(self.side);
        *sum = (*sum - f64::from(s * s)).max(0.0);
        let [x, y] = at;
        // Clockwise with y down, as MVT exteriors are.
        Some(vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_is_drawn_each_time_the_areas_add_up_to_one() {
        let mut tiny = TinyPolygons::new(1, 4.0);
        let drawn: Vec<bool> = (0..10)
            .map(|i| tiny.absorb(0, 1.0, [i, 0]).is_some())
            .collect();
        assert_eq!(drawn.iter().filter(|d| **d).count(), 2);
        assert!(drawn[3] && drawn[7]);
    }
}
