//! Weight regularizers (`kernel_regularizer=`): their penalty is added to the
//! training loss.

use candle_core::Tensor;

use crate::error::{Result, not_available};

/// `l1(l1)`, `l2(l2)` or `l1_l2(l1, l2)`. Keras's default factor is 0.01.
#[derive(Clone, Debug, PartialEq)]
pub struct Regularizer {
    pub l1: f64,
    pub l2: f64,
}

impl Regularizer {
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "l1" => Ok(Self { l1: 0.01, l2: 0.0 }),
            "l2" => Ok(Self { l1: 0.0, l2: 0.01 }),
            "l1_l2" => Ok(Self { l1: 0.01, l2: 0.01 }),
            other => Err(not_available("regularizers", other, &["l1", "l2", "l1_l2"])),
        }
    }

    /// The penalty `l1 * sum|w| + l2 * sum w^2` as a scalar tensor.
    pub fn penalty(&self, w: &Tensor) -> Result<Tensor> {
        let mut p = Tensor::zeros((), w.dtype(), w.device())?;
        if self.l1 != 0.0 {
            p = (p + (w.abs()?.sum_all()? * self.l1)?)?;
        }
        if self.l2 != 0.0 {
            p = (p + (w.sqr()?.sum_all()? * self.l2)?)?;
        }
        Ok(p)
    }
}
