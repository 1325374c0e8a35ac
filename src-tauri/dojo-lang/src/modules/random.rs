//! `import random`: seeded and deterministic.
//!
//! Every run starts from the same seed, so a program gives the same output
//! each time unless it calls `random.seed` itself. The generator is
//! SplitMix64, not CPython's Mersenne Twister: the same seed gives
//! different numbers than CPython, but the same numbers on every Dojo run.

use std::cell::Cell;
use std::rc::Rc;

use crate::error::{Exception, Result, type_error, value_error};
use crate::interp::Interpreter;
use crate::object::{ArgName, Args, Builtin, ModuleObject};
use crate::value::Value;

/// The seed of every run that does not set its own.
pub const DEFAULT_SEED: u64 = 42;

/// SplitMix64 over a shared state; clones draw from the same stream.
#[derive(Clone)]
pub(crate) struct Generator(Rc<Cell<u64>>);

impl Generator {
    pub(crate) fn new(seed: u64) -> Generator {
        Generator(Rc::new(Cell::new(seed)))
    }

    pub(crate) fn seed(&self, seed: u64) {
        self.0.set(seed);
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let state = self.0.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.0.set(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub(crate) fn unit(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `0..bound` (`bound > 0`), without modulo bias.
    pub(crate) fn below(&self, bound: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let value = self.next_u64();
            if value < zone {
                return value % bound;
            }
        }
    }
}

pub(super) fn module(_: &mut Interpreter) -> Result<Value> {
    let generator = Generator::new(DEFAULT_SEED);
    let function =
        |name: &'static str, body: fn(&Generator, &mut Interpreter, Args) -> Result<Value>| {
            let generator = generator.clone();
            (
                name,
                Builtin::value(name, move |interpreter, args| {
                    body(&generator, interpreter, args)
                }),
            )
        };
    Ok(Value::Module(ModuleObject::new(
        "random",
        vec![
            function("seed", |generator, _, args| {
                args.check("seed", 1, &[])?;
                let seed = match args.positional.first() {
                    None | Some(Value::None) => DEFAULT_SEED,
                    Some(value) => ArgName::Expects("seed").integer(value)? as u64,
                };
                generator.seed(seed);
                Ok(Value::None)
            }),
            function("random", |generator, _, args| {
                args.check("random", 0, &[])?;
                Ok(Value::Float(generator.unit()))
            }),
            function("uniform", |generator, _, args| {
                args.check("uniform", 2, &[])?;
                let low = ArgName::Expects("uniform").number(&args.required(0, "a", "uniform")?)?;
                let high =
                    ArgName::Expects("uniform").number(&args.required(1, "b", "uniform")?)?;
                Ok(Value::Float(low + (high - low) * generator.unit()))
            }),
            function("randint", |generator, _, args| {
                args.check("randint", 2, &[])?;
                let low =
                    ArgName::Expects("randint").integer(&args.required(0, "a", "randint")?)?;
                let high =
                    ArgName::Expects("randint").integer(&args.required(1, "b", "randint")?)?;
                if high < low {
                    return Err(value_error(format!(
                        "empty range in randint({low}, {high})"
                    )));
                }
                let span = (high - low) as u64 + 1;
                Ok(Value::Int(low + generator.below(span) as i64))
            }),
            function("choice", |generator, interpreter, args| {
                args.check("choice", 1, &[])?;
                let items = interpreter.iterate(&args.required(0, "seq", "choice")?)?;
                if items.is_empty() {
                    return Err(Exception::new(
                        "IndexError",
                        "Cannot choose from an empty sequence",
                    ));
                }
                let index = generator.below(items.len() as u64) as usize;
                Ok(items[index].clone())
            }),
            function("shuffle", |generator, _, args| {
                args.check("shuffle", 1, &[])?;
                let Value::List(items) = args.required(0, "x", "shuffle")? else {
                    return Err(type_error("shuffle() needs a list"));
                };
                let mut items = items.borrow_mut();
                // Fisher-Yates, in place like Python's.
                for i in (1..items.len()).rev() {
                    let j = generator.below(i as u64 + 1) as usize;
                    items.swap(i, j);
                }
                Ok(Value::None)
            }),
            function("sample", |generator, interpreter, args| {
                args.check("sample", 2, &["k"])?;
                let mut items =
                    interpreter.iterate(&args.required(0, "population", "sample")?)?;
                let count =
                    ArgName::Expects("sample").integer(&args.required(1, "k", "sample")?)?;
                let count = usize::try_from(count)
                    .ok()
                    .filter(|count| *count <= items.len())
                    .ok_or_else(|| value_error("Sample larger than population or is negative"))?;
                for i in 0..count {
                    let j = i + generator.below((items.len() - i) as u64) as usize;
                    items.swap(i, j);
                }
                items.truncate(count);
                Ok(Value::list(items))
            }),
        ],
    )))
}
