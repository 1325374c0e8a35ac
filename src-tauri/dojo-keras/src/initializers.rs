//! Weight initialisers with Keras's names, formulas and defaults. Values are
//! drawn from the session's seeded generator, so a model is reproducible.

use candle_core::Tensor;

use crate::error::{Result, not_available};
use crate::session::{self, Rng};

/// A Keras initializer.
#[derive(Clone, Debug, PartialEq)]
pub enum Initializer {
    Zeros,
    Ones,
    Constant(f64),
    RandomUniform { minval: f64, maxval: f64 },
    RandomNormal { mean: f64, stddev: f64 },
    TruncatedNormal { mean: f64, stddev: f64 },
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Orthogonal { gain: f64 },
}

/// Names accepted for `*_initializer=`.
pub const INITIALIZER_NAMES: &[&str] = &[
    "zeros",
    "ones",
    "random_uniform",
    "random_normal",
    "truncated_normal",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
];

impl Initializer {
    pub fn from_name(name: &str) -> Result<Self> {
        let snake = crate::layers::snake_case(name);
        Ok(match snake.as_str() {
            "zeros" | "zero" => Self::Zeros,
            "ones" | "one" => Self::Ones,
            "random_uniform" => Self::RandomUniform {
                minval: -0.05,
                maxval: 0.05,
            },
            "random_normal" => Self::RandomNormal {
                mean: 0.0,
                stddev: 0.05,
            },
            "truncated_normal" => Self::TruncatedNormal {
                mean: 0.0,
                stddev: 0.05,
            },
            "glorot_uniform" => Self::GlorotUniform,
            "glorot_normal" => Self::GlorotNormal,
            "he_uniform" => Self::HeUniform,
            "he_normal" => Self::HeNormal,
            "lecun_uniform" => Self::LecunUniform,
            "lecun_normal" => Self::LecunNormal,
            "orthogonal" => Self::Orthogonal { gain: 1.0 },
            _ => {
                return Err(not_available("initializers", name, INITIALIZER_NAMES));
            }
        })
    }

    /// Keras's snake-case name (for configs).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Zeros => "zeros",
            Self::Ones => "ones",
            Self::Constant(_) => "constant",
            Self::RandomUniform { .. } => "random_uniform",
            Self::RandomNormal { .. } => "random_normal",
            Self::TruncatedNormal { .. } => "truncated_normal",
            Self::GlorotUniform => "glorot_uniform",
            Self::GlorotNormal => "glorot_normal",
            Self::HeUniform => "he_uniform",
            Self::HeNormal => "he_normal",
            Self::LecunUniform => "lecun_uniform",
            Self::LecunNormal => "lecun_normal",
            Self::Orthogonal { .. } => "orthogonal",
        }
    }

    /// Values for a weight of `shape`, row-major.
    pub fn values(&self, shape: &[usize], rng: &mut Rng) -> Vec<f64> {
        let n: usize = shape.iter().product();
        let (fan_in, fan_out) = fans(shape);
        let uniform = |rng: &mut Rng, limit: f64| {
            (0..n)
                .map(|_| (rng.uniform() * 2.0 - 1.0) * limit)
                .collect()
        };
        let truncated = |rng: &mut Rng, mean: f64, std: f64| {
            (0..n)
                .map(|_| {
                    loop {
                        let z = rng.normal();
                        if z.abs() <= 2.0 {
                            break mean + std * z;
                        }
                    }
                })
                .collect()
        };
        match self {
            Self::Zeros => vec![0.0; n],
            Self::Ones => vec![1.0; n],
            Self::Constant(c) => vec![*c; n],
            Self::RandomUniform { minval, maxval } => (0..n)
                .map(|_| minval + (maxval - minval) * rng.uniform())
                .collect(),
            Self::RandomNormal { mean, stddev } => {
                (0..n).map(|_| mean + stddev * rng.normal()).collect()
            }
            Self::TruncatedNormal { mean, stddev } => truncated(rng, *mean, *stddev),
            Self::GlorotUniform => uniform(rng, (6.0 / (fan_in + fan_out)).sqrt()),
            Self::HeUniform => uniform(rng, (6.0 / fan_in).sqrt()),
            Self::LecunUniform => uniform(rng, (3.0 / fan_in).sqrt()),
            // Keras's *_normal variance-scaling initialisers use a truncated
            // normal with stddev corrected by 0.8796...
            Self::GlorotNormal => truncated(
                rng,
                0.0,
                (2.0 / (fan_in + fan_out)).sqrt() / 0.879_625_661_034_239_8,
            ),
            Self::HeNormal => truncated(rng, 0.0, (2.0 / fan_in).sqrt() / 0.879_625_661_034_239_8),
            Self::LecunNormal => {
                truncated(rng, 0.0, (1.0 / fan_in).sqrt() / 0.879_625_661_034_239_8)
            }
            Self::Orthogonal { gain } => orthogonal(shape, *gain, rng),
        }
    }

    /// A tensor of `shape` in the session's float type and device.
    pub fn tensor(&self, shape: &[usize]) -> Result<Tensor> {
        let values = session::with_rng(|rng| self.values(shape, rng));
        let t = Tensor::from_vec(values, shape, &session::device())?;
        Ok(t.to_dtype(session::floatx())?)
    }
}

/// Keras's (fan_in, fan_out): the last two axes times the receptive field.
fn fans(shape: &[usize]) -> (f64, f64) {
    match shape.len() {
        0 => (1.0, 1.0),
        1 => (shape[0] as f64, shape[0] as f64),
        r => {
            let field: usize = shape[..r - 2].iter().product();
            ((shape[r - 2] * field) as f64, (shape[r - 1] * field) as f64)
        }
    }
}

/// A (semi-)orthogonal matrix of shape (prod(shape[..-1]), shape[-1]) by
/// Gram-Schmidt on a normal matrix, as Keras's `Orthogonal`.
fn orthogonal(shape: &[usize], gain: f64, rng: &mut Rng) -> Vec<f64> {
    let cols = *shape.last().unwrap_or(&1);
    let rows: usize = shape.iter().product::<usize>() / cols.max(1);
    let (big, small) = (rows.max(cols), rows.min(cols));
    // `small` orthonormal vectors of length `big`.
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(small);
    while q.len() < small {
        let mut v: Vec<f64> = (0..big).map(|_| rng.normal()).collect();
        for u in &q {
            let dot: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(u).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-8 {
            q.push(v.into_iter().map(|a| a / norm).collect());
        }
    }
    let mut out = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            // rows >= cols: column c is q[c]; otherwise row r is q[r].
            out[r * cols + c] = gain * if rows >= cols { q[c][r] } else { q[r][c] };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_columns_are_orthonormal() {
        let mut rng = Rng::new(3);
        let v = orthogonal(&[4, 3], 1.0, &mut rng);
        for a in 0..3 {
            for b in 0..3 {
                let dot: f64 = (0..4).map(|r| v[r * 3 + a] * v[r * 3 + b]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn glorot_uniform_respects_its_limit() {
        let mut rng = Rng::new(1);
        let v = Initializer::GlorotUniform.values(&[10, 20], &mut rng);
        let limit = (6.0f64 / 30.0).sqrt();
        assert!(v.iter().all(|x| x.abs() <= limit));
        assert!(v.iter().any(|x| x.abs() > limit * 0.5));
    }
}
