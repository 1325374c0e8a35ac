//! Gathering the sliding windows of a channels-last batch with one
//! `index_select`, whose gradient is one `index_add`.

use super::geometry::Axis;
use candle_core::{DType, Device, Result, Tensor, bail};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// A two-dimensional window over an `(N, H, W, C)` batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub rows: Axis,
    pub cols: Axis,
}

impl Window {
    /// Output positions per image, `out_h * out_w`.
    pub fn positions(&self) -> usize {
        self.rows.output * self.cols.output
    }

    /// Elements per window, `kh * kw`.
    pub fn taps(&self) -> usize {
        self.rows.kernel * self.cols.kernel
    }

    fn is_padded(&self) -> bool {
        self.rows.is_padded() || self.cols.is_padded()
    }

    /// For each output position (row-major) and each window tap (row-major),
    /// the flat input index `i * W + j`, or `H * W` (the padding row) where
    /// the tap falls outside the input.
    fn source_rows(&self) -> Vec<u32> {
        let padding = self.rows.input * self.cols.input;
        let mut ids = Vec::with_capacity(self.positions() * self.taps());
        for oi in 0..self.rows.output {
            for oj in 0..self.cols.output {
                for ki in 0..self.rows.kernel {
                    let i = self.rows.source(oi, ki);
                    for kj in 0..self.cols.kernel {
                        let id = match (i, self.cols.source(oj, kj)) {
                            (Some(i), Some(j)) => i * self.cols.input + j,
                            _ => padding,
                        };
                        ids.push(id as u32);
                    }
                }
            }
        }
        ids
    }

    /// For each output position, the number of its taps inside the input.
    pub fn valid_counts(&self) -> Vec<u32> {
        let rows: Vec<usize> = (0..self.rows.output)
            .map(|o| self.rows.valid_taps(o))
            .collect();
        let cols: Vec<usize> = (0..self.cols.output)
            .map(|o| self.cols.valid_taps(o))
            .collect();
        rows.iter()
            .flat_map(|r| cols.iter().map(move |c| (r * c) as u32))
            .collect()
    }

    /// [`Window::source_rows`], computed once per geometry: this crate builds
    /// unoptimised in dev profiles, where the loop costs milliseconds on
    /// large images. The cache is cleared when it holds many geometries.
    fn cached_source_rows(&self) -> Arc<Vec<u32>> {
        static CACHE: LazyLock<Mutex<HashMap<Window, Arc<Vec<u32>>>>> =
            LazyLock::new(Default::default);
        const MAX_ENTRIES: usize = 64;
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(ids) = cache.get(self) {
            return ids.clone();
        }
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        let ids = Arc::new(self.source_rows());
        cache.insert(*self, ids.clone());
        ids
    }

    /// [`Window::source_rows`] as a `u32` tensor on `device`.
    fn source_ids(&self, device: &Device) -> Result<Tensor> {
        let rows = self.cached_source_rows();
        Tensor::from_slice(rows.as_slice(), rows.len(), device)
    }

    /// The windows of `x` `(N, H, W, C)` as `(N, positions, taps, C)`, with
    /// `fill` at padded taps. `x` must match the window's input size.
    pub fn gather(&self, x: &Tensor, fill: f64) -> Result<Tensor> {
        let (n, h, w, c) = x.dims4()?;
        if (h, w) != (self.rows.input, self.cols.input) {
            bail!(
                "window built for {}x{} applied to {h}x{w}",
                self.rows.input,
                self.cols.input
            );
        }
        if h * w >= u32::MAX as usize {
            bail!("a {h}x{w} image is too large to index");
        }
        let flat = x.reshape((n, h * w, c))?;
        let flat = if self.is_padded() {
            let pad = Tensor::ones((n, 1, c), x.dtype(), x.device())?.affine(0.0, fill)?;
            Tensor::cat(&[&flat, &pad], 1)?
        } else {
            flat
        };
        flat.index_select(&self.source_ids(x.device())?, 1)?
            .reshape((n, self.positions(), self.taps(), c))
    }
}

/// Per output position, `1 / count` of the valid taps, shaped `(positions, 1)`.
pub fn reciprocal_counts(window: &Window, dtype: DType, device: &Device) -> Result<Tensor> {
    let counts = window.valid_counts();
    let len = counts.len();
    Tensor::from_vec(counts, (len, 1), device)?
        .to_dtype(dtype)?
        .recip()
}
