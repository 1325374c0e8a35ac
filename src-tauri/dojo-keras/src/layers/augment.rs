//! Image augmentation layers (NHWC). They transform only while training and
//! pass inputs through unchanged at inference, as in Keras. Geometric
//! transforms use bilinear sampling with Keras's default `fill_mode="reflect"`.

use candle_core::{DType, Tensor};

use super::util::one;
use super::{Dims, LayerKind, Weight};
use crate::config::{Args, ConfigValue};
use crate::error::{Result, arg_err, shape_err};
use crate::session;

fn kv(k: &str, v: ConfigValue) -> (String, ConfigValue) {
    (k.to_string(), v)
}

/// A factor given as `f` (meaning (-f, f)) or `(lower, upper)`.
fn factor_arg(a: &mut Args, name: &str, required: bool) -> Result<Option<(f64, f64)>> {
    match a.take(name) {
        None if required => a.required(name),
        None => Ok(None),
        Some(ConfigValue::Int(i)) => Ok(Some((-(i as f64).abs(), (i as f64).abs()))),
        Some(ConfigValue::Float(f)) => Ok(Some((-f.abs(), f.abs()))),
        Some(v) => match v.as_seq() {
            Some([p, q]) => {
                let num = |x: &ConfigValue| match x {
                    ConfigValue::Int(i) => Some(*i as f64),
                    ConfigValue::Float(f) => Some(*f),
                    _ => None,
                };
                match (num(p), num(q)) {
                    (Some(p), Some(q)) if p <= q => Ok(Some((p, q))),
                    _ => a.type_error(name, "a float or a (lower, upper) tuple", &v),
                }
            }
            _ => a.type_error(name, "a float or a (lower, upper) tuple", &v),
        },
    }
}

fn range_value(r: (f64, f64)) -> ConfigValue {
    ConfigValue::Tuple(vec![ConfigValue::Float(r.0), ConfigValue::Float(r.1)])
}

fn uniform(r: (f64, f64)) -> f64 {
    session::with_rng(|g| r.0 + (r.1 - r.0) * g.uniform())
}

fn image_shape(inputs: &[Dims], what: &str) -> Result<Dims> {
    let d = one(inputs)?;
    if d.len() != 4 {
        return shape_err(format!(
            "{what} expects images of shape (batch, height, width, channels), got {}",
            super::format_dims(d)
        ));
    }
    Ok(d.clone())
}

/// Half-sample reflection of an index into 0..n.
fn reflect(i: i64, n: usize) -> usize {
    let n = n as i64;
    let p = 2 * n;
    let m = i.rem_euclid(p);
    (if m >= n { p - 1 - m } else { m }) as usize
}

/// Samples every image at `src(b, y, x) -> (sy, sx)` bilinearly.
fn warp(x: &Tensor, src: impl Fn(usize, f64, f64) -> (f64, f64)) -> Result<Tensor> {
    let (n, h, w, c) = x.dims4()?;
    let data = x.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    let mut out = vec![0f32; data.len()];
    for b in 0..n {
        for i in 0..h {
            for j in 0..w {
                let (sy, sx) = src(b, i as f64, j as f64);
                let (y0, x0) = (sy.floor(), sx.floor());
                let (dy, dx) = ((sy - y0) as f32, (sx - x0) as f32);
                let (y0, x0) = (y0 as i64, x0 as i64);
                let at = |yy: i64, xx: i64, ch: usize| {
                    data[((b * h + reflect(yy, h)) * w + reflect(xx, w)) * c + ch]
                };
                for ch in 0..c {
                    let v = at(y0, x0, ch) * (1.0 - dy) * (1.0 - dx)
                        + at(y0, x0 + 1, ch) * (1.0 - dy) * dx
                        + at(y0 + 1, x0, ch) * dy * (1.0 - dx)
                        + at(y0 + 1, x0 + 1, ch) * dy * dx;
                    out[((b * h + i) * w + j) * c + ch] = v;
                }
            }
        }
    }
    Ok(Tensor::from_vec(out, (n, h, w, c), x.device())?.to_dtype(x.dtype())?)
}

/// `RandomFlip(mode="horizontal_and_vertical")`.
pub(crate) struct RandomFlip {
    mode: String,
}

impl RandomFlip {
    pub(crate) const PARAMS: &'static [&'static str] = &["mode", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        Ok(Box::new(Self {
            mode: a.choice(
                "mode",
                "horizontal_and_vertical",
                &["horizontal", "vertical", "horizontal_and_vertical"],
            )?,
        }))
    }
}

impl LayerKind for RandomFlip {
    fn class_name(&self) -> &'static str {
        "RandomFlip"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        image_shape(inputs, "RandomFlip")
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        if !training {
            return Ok(x.clone());
        }
        let (n, h, w, _) = x.dims4()?;
        let rev = |len: usize| {
            Tensor::new(
                (0..len as u32).rev().collect::<Vec<_>>().as_slice(),
                x.device(),
            )
        };
        let mut parts = Vec::with_capacity(n);
        for b in 0..n {
            let mut img = x.narrow(0, b, 1)?.contiguous()?;
            let (hz, vt) = session::with_rng(|g| (g.uniform() < 0.5, g.uniform() < 0.5));
            if self.mode.contains("horizontal") && hz {
                img = img.index_select(&rev(w)?, 2)?.contiguous()?;
            }
            if self.mode.contains("vertical") && vt {
                img = img.index_select(&rev(h)?, 1)?;
            }
            parts.push(img);
        }
        Ok(Tensor::cat(&parts, 0)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("mode", ConfigValue::Str(self.mode.clone()))]
    }
}

/// `RandomContrast(factor)`: `(x - mean) * c + mean`, c in [1-f, 1+f],
/// clipped to Keras's default value range [0, 255].
pub(crate) struct RandomContrast {
    factor: (f64, f64),
}

impl RandomContrast {
    pub(crate) const PARAMS: &'static [&'static str] = &["factor", "value_range", "seed"];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let Some(factor) = factor_arg(a, "factor", true)? else {
            return a.required("factor");
        };
        if factor.1 > 1.0 || factor.0 < -1.0 {
            return arg_err("RandomContrast(): `factor` must be within [0, 1]");
        }
        Ok(Box::new(Self { factor }))
    }
}

impl LayerKind for RandomContrast {
    fn class_name(&self) -> &'static str {
        "RandomContrast"
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        image_shape(inputs, "RandomContrast")
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        if !training {
            return Ok(x.clone());
        }
        let n = x.dim(0)?;
        let c: Vec<f64> = (0..n).map(|_| 1.0 + uniform(self.factor)).collect();
        let c = Tensor::from_vec(c, (n, 1, 1, 1), x.device())?.to_dtype(x.dtype())?;
        let mean = x.mean_keepdim(1)?.mean_keepdim(2)?;
        let y = x
            .broadcast_sub(&mean)?
            .broadcast_mul(&c)?
            .broadcast_add(&mean)?;
        Ok(y.clamp(0.0, 255.0)?)
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        vec![kv("factor", range_value(self.factor))]
    }
}

/// Rotation, zoom and translation: a per-image affine map of pixel
/// coordinates about the image centre.
pub(crate) struct RandomAffine {
    class: &'static str,
    height: (f64, f64),
    width: Option<(f64, f64)>,
}

pub(crate) struct RandomRotation;
pub(crate) struct RandomZoom;
pub(crate) struct RandomTranslation;

fn check_tail(a: &mut Args) -> Result<()> {
    a.choice("fill_mode", "reflect", &["reflect"])?;
    a.choice("interpolation", "bilinear", &["bilinear"])?;
    Ok(())
}

impl RandomRotation {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "factor",
        "fill_mode",
        "interpolation",
        "seed",
        "fill_value",
        "value_range",
        "data_format",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let Some(height) = factor_arg(a, "factor", true)? else {
            return a.required("factor");
        };
        check_tail(a)?;
        Ok(Box::new(RandomAffine {
            class: "RandomRotation",
            height,
            width: None,
        }))
    }
}

impl RandomZoom {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "height_factor",
        "width_factor",
        "fill_mode",
        "interpolation",
        "seed",
        "fill_value",
        "data_format",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let Some(height) = factor_arg(a, "height_factor", true)? else {
            return a.required("height_factor");
        };
        let width = factor_arg(a, "width_factor", false)?;
        check_tail(a)?;
        Ok(Box::new(RandomAffine {
            class: "RandomZoom",
            height,
            width,
        }))
    }
}

impl RandomTranslation {
    pub(crate) const PARAMS: &'static [&'static str] = &[
        "height_factor",
        "width_factor",
        "fill_mode",
        "interpolation",
        "seed",
        "fill_value",
        "data_format",
    ];
    pub(crate) fn from_args(a: &mut Args) -> Result<Box<dyn LayerKind>> {
        let Some(height) = factor_arg(a, "height_factor", true)? else {
            return a.required("height_factor");
        };
        let Some(width) = factor_arg(a, "width_factor", true)? else {
            return a.required("width_factor");
        };
        check_tail(a)?;
        Ok(Box::new(RandomAffine {
            class: "RandomTranslation",
            height,
            width: Some(width),
        }))
    }
}

impl LayerKind for RandomAffine {
    fn class_name(&self) -> &'static str {
        self.class
    }
    fn output_shape(&self, inputs: &[Dims]) -> Result<Dims> {
        image_shape(inputs, self.class)
    }
    fn call(&self, inputs: &[Tensor], _w: &[Weight], training: bool) -> Result<Tensor> {
        let x = &inputs[0];
        if !training {
            return Ok(x.clone());
        }
        let (n, h, w, _) = x.dims4()?;
        let (cy, cx) = ((h as f64 - 1.0) / 2.0, (w as f64 - 1.0) / 2.0);
        // Per image: [a, b, c, d, ty, tx] with src = M (dst - centre) + centre + t.
        let params: Vec<[f64; 6]> = (0..n)
            .map(|_| match self.class {
                "RandomRotation" => {
                    let t = uniform(self.height) * std::f64::consts::TAU;
                    [t.cos(), -t.sin(), t.sin(), t.cos(), 0.0, 0.0]
                }
                "RandomZoom" => {
                    let zy = 1.0 + uniform(self.height);
                    let zx = self.width.map_or(zy, |wf| 1.0 + uniform(wf));
                    [zy, 0.0, 0.0, zx, 0.0, 0.0]
                }
                _ => {
                    let ty = uniform(self.height) * h as f64;
                    let tx = self.width.map_or(0.0, |wf| uniform(wf) * w as f64);
                    [1.0, 0.0, 0.0, 1.0, -ty, -tx]
                }
            })
            .collect();
        warp(x, |b, i, j| {
            let p = params[b];
            let (dy, dx) = (i - cy, j - cx);
            (
                p[0] * dy + p[1] * dx + cy + p[4],
                p[2] * dy + p[3] * dx + cx + p[5],
            )
        })
    }
    fn config(&self) -> Vec<(String, ConfigValue)> {
        match self.class {
            "RandomRotation" => vec![kv("factor", range_value(self.height))],
            _ => vec![
                kv("height_factor", range_value(self.height)),
                kv(
                    "width_factor",
                    self.width.map_or(ConfigValue::None, range_value),
                ),
            ],
        }
    }
}
