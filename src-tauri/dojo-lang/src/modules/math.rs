//! `import math`: the functions and constants exam code uses.

use crate::error::{Result, value_error};
use crate::interp::Interpreter;
use crate::object::{ArgName, Args, Builtin, ModuleObject};
use crate::value::Value;

fn number(args: &Args, function: &str) -> Result<f64> {
    ArgName::Builtin(function).number(&args.required(0, "x", function)?)
}

/// A one-argument float function with a domain check.
fn unary(name: &'static str, function: fn(f64) -> f64, domain: fn(f64) -> bool) -> Value {
    Builtin::value(name, move |_, args| {
        args.check(name, 1, &[])?;
        let x = number(&args, name)?;
        if !domain(x) {
            return Err(value_error("math domain error"));
        }
        Ok(Value::Float(function(x)))
    })
}

fn rounding(name: &'static str, function: fn(f64) -> f64) -> Value {
    Builtin::value(name, move |_, args| {
        args.check(name, 1, &[])?;
        let x = number(&args, name)?;
        if !x.is_finite() {
            return Err(value_error(format!("cannot convert float {x} to integer")));
        }
        Ok(Value::Int(function(x) as i64))
    })
}

pub(super) fn module(_: &mut Interpreter) -> Result<Value> {
    let always = |_: f64| true;
    let log = Builtin::value("log", |_, args| {
        args.check("log", 2, &[])?;
        let x = number(&args, "log")?;
        if x <= 0.0 {
            return Err(value_error("math domain error"));
        }
        match args.positional.get(1) {
            None => Ok(Value::Float(x.ln())),
            Some(base) => {
                let base = number(&Args::new(vec![base.clone()]), "log")?;
                if base <= 0.0 || base == 1.0 {
                    return Err(value_error("math domain error"));
                }
                Ok(Value::Float(x.ln() / base.ln()))
            }
        }
    });
    let pow = Builtin::value("pow", |_, args| {
        args.check("pow", 2, &[])?;
        let x = number(&args, "pow")?;
        let y = number(
            &Args::new(args.positional.get(1).cloned().into_iter().collect()),
            "pow",
        )?;
        Ok(Value::Float(x.powf(y)))
    });
    let predicate = |name: &'static str, test: fn(f64) -> bool| {
        Builtin::value(name, move |_, args| {
            args.check(name, 1, &[])?;
            Ok(Value::Bool(test(number(&args, name)?)))
        })
    };
    Ok(Value::Module(ModuleObject::new(
        "math",
        vec![
            ("pi", Value::Float(std::f64::consts::PI)),
            ("e", Value::Float(std::f64::consts::E)),
            ("tau", Value::Float(std::f64::consts::TAU)),
            ("inf", Value::Float(f64::INFINITY)),
            ("nan", Value::Float(f64::NAN)),
            ("sqrt", unary("sqrt", f64::sqrt, |x| x >= 0.0)),
            ("exp", unary("exp", f64::exp, always)),
            ("log10", unary("log10", f64::log10, |x| x > 0.0)),
            ("log2", unary("log2", f64::log2, |x| x > 0.0)),
            ("fabs", unary("fabs", f64::abs, always)),
            ("sin", unary("sin", f64::sin, always)),
            ("cos", unary("cos", f64::cos, always)),
            ("tan", unary("tan", f64::tan, always)),
            ("tanh", unary("tanh", f64::tanh, always)),
            ("atan", unary("atan", f64::atan, always)),
            ("floor", rounding("floor", f64::floor)),
            ("ceil", rounding("ceil", f64::ceil)),
            ("trunc", rounding("trunc", f64::trunc)),
            ("isnan", predicate("isnan", f64::is_nan)),
            ("isinf", predicate("isinf", f64::is_infinite)),
            ("isfinite", predicate("isfinite", f64::is_finite)),
            ("log", log),
            ("pow", pow),
        ],
    )))
}
