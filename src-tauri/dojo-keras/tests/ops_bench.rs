//! Timing of `dojo_keras::ops` against candle's own `conv2d` and
//! `max_pool2d` (NCHW), forward and backward, on the layers of a small MNIST
//! CNN. Run with
//! `RAYON_NUM_THREADS=1 cargo test -p dojo-keras --test ops_bench -- --ignored --nocapture`.
//!
//! Each step backpropagates `sum(y * g)` for a fixed random `g`, so the
//! layer receives a dense gradient as in training; `loss only` is that
//! loss's own cost on a variable of y's shape, to subtract. Reported: the
//! best wall time of 5 rounds of 5 steps, and the calling thread's CPU time
//! (with one thread, the whole cost without time lost to other processes).
//! The app allocates with mimalloc; the test binary uses glibc's malloc,
//! which returns large blocks to the kernel and page-faults them back in:
//! `GLIBC_TUNABLES=glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=4000000000`
//! makes it keep them, as mimalloc does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use candle_core::{Device, Tensor, Var};
use dojo_keras::ops::{Padding, conv2d, max_pool2d};
use std::time::Instant;

fn random(shape: &[usize]) -> Tensor {
    Tensor::randn(0f32, 1.0, shape, &Device::Cpu).unwrap()
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    stat.split_whitespace().next().unwrap().parse().unwrap()
}

/// (best wall ms, best CPU ms) per call of `step`, after 2 warm-up calls.
fn time(step: &dyn Fn()) -> (f64, f64) {
    for _ in 0..2 {
        step();
    }
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let (start, cpu_start) = (Instant::now(), thread_cpu_ns());
        for _ in 0..5 {
            step();
        }
        wall = wall.min(start.elapsed().as_secs_f64() * 1e3 / 5.0);
        cpu = cpu.min((thread_cpu_ns() - cpu_start) / 1e6 / 5.0);
    }
    (wall, cpu)
}

/// Backpropagates `<y, g>` and checks that `wrt` received a gradient.
fn backward(y: &Tensor, g: &Tensor, wrt: &[&Var]) {
    let n = y.elem_count();
    let loss = y
        .reshape((1, n))
        .unwrap()
        .matmul(&g.reshape((n, 1)).unwrap())
        .unwrap();
    let grads = loss.backward().unwrap();
    assert!(wrt.iter().all(|v| grads.get(v).is_some()));
}

fn report(what: &str, ours: (f64, f64), candle: (f64, f64)) {
    println!(
        "{what}: ops {:.1} ms (cpu {:.1}), candle {:.1} ms (cpu {:.1})",
        ours.0, ours.1, candle.0, candle.1
    );
}

fn loss_only(g: &Tensor) {
    let y = Var::from_tensor(&g.zeros_like().unwrap()).unwrap();
    let (wall, cpu) = time(&|| backward(&y, g, &[&y]));
    println!("  loss only: {wall:.1} ms (cpu {cpu:.1})");
}

#[test]
#[ignore = "a benchmark: run with --ignored --nocapture"]
fn bench_conv_and_pool() {
    // (batch, height, width, in, out): a 3x3 'valid' convolution; the first
    // layer's input is data (no gradient), the second's is a hidden layer.
    for (n, h, w, c, o, x_is_var) in [(32, 28, 28, 1, 32, false), (32, 13, 13, 32, 64, true)] {
        let x = Var::from_tensor(&random(&[n, h, w, c])).unwrap();
        let k = Var::from_tensor(&random(&[3, 3, c, o])).unwrap();
        let x_nchw =
            Var::from_tensor(&x.permute((0, 3, 1, 2)).unwrap().contiguous().unwrap()).unwrap();
        let k_oihw =
            Var::from_tensor(&k.permute((3, 2, 0, 1)).unwrap().contiguous().unwrap()).unwrap();
        let g = random(&[n, h - 2, w - 2, o]);
        let g_nchw = g.permute((0, 3, 1, 2)).unwrap().contiguous().unwrap();
        let (input, input_nchw) = if x_is_var {
            (x.as_tensor().clone(), x_nchw.as_tensor().clone())
        } else {
            (x.as_tensor().detach(), x_nchw.as_tensor().detach())
        };
        let ours = time(&|| {
            let y = conv2d(&input, &k, (1, 1), Padding::Valid, (1, 1)).unwrap();
            backward(&y, &g, &[&k]);
        });
        let candle = time(&|| {
            let y = input_nchw.conv2d(&k_oihw, 0, 1, 1, 1).unwrap();
            backward(&y, &g_nchw, &[&k_oihw]);
        });
        report(
            &format!("conv2d ({n},{h},{w},{c}) -> {o} 3x3, fwd+bwd"),
            ours,
            candle,
        );
        loss_only(&g);
    }
    let x = Var::from_tensor(&random(&[32, 26, 26, 32])).unwrap();
    let x_nchw = Var::from_tensor(&x.permute((0, 3, 1, 2)).unwrap().contiguous().unwrap()).unwrap();
    let g = random(&[32, 13, 13, 32]);
    let g_nchw = g.permute((0, 3, 1, 2)).unwrap().contiguous().unwrap();
    let ours = time(&|| {
        backward(
            &max_pool2d(&x, (2, 2), (2, 2), Padding::Valid).unwrap(),
            &g,
            &[&x],
        )
    });
    let candle = time(&|| backward(&x_nchw.max_pool2d(2).unwrap(), &g_nchw, &[&x_nchw]));
    report("max_pool2d (32,26,26,32) 2x2, fwd+bwd", ours, candle);
    loss_only(&g);
}
