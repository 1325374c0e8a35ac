//! numpy programs run through Dojo's interpreter and compared with what
//! real numpy prints.
//!
//! Provenance: each program below is plain Python that also runs under
//! CPython; its expected output is the stdout of
//! `/root/tfvenv/bin/python program.py` (numpy 2.4.6), pasted verbatim.
//! Printed floats carry numpy's 8-digit rounding (or an explicit
//! `round(x, 6)`), which is the tolerance of these comparisons. Tests at
//! the end cover Dojo-only behaviour (seeded np.random, limits, messages
//! for missing names) and the Rust API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use dojo_lang::{Interpreter, Limits, SourceFile, parse};

/// Runs `source`; returns its printed output, followed by the rendered
/// error if it failed.
fn run(source: &str, limits: Limits) -> String {
    let parsed = parse(source);
    let file = SourceFile::new("solution.py", source);
    assert!(parsed.is_runnable(), "{:?}", parsed.diagnostics);
    let output = Rc::new(RefCell::new(String::new()));
    let sink = Rc::clone(&output);
    let mut interpreter = Interpreter::new(limits, move |text| sink.borrow_mut().push_str(text));
    let outcome = interpreter.run(&parsed.module);
    let mut text = output.borrow().clone();
    if let Err(error) = outcome {
        text.push_str(&error.render(&file));
    }
    text
}

/// Asserts that `program` prints `expected`, showing both when it does not.
fn check(program: &str, expected: &str) {
    let actual = run(program, Limits::default());
    assert!(
        actual == expected,
        "--- expected (numpy) ---\n{expected}\n--- actual (Dojo) ---\n{actual}"
    );
}

#[test]
fn creation_and_dtypes() {
    check(
        r##"import numpy as np
a = np.array([1, 2, 3])
b = np.array([1, 2.5])
c = np.array([True, False])
d = np.array([[1, 2], [3, 4]], dtype=np.float32)
e = np.asarray((1, 2), dtype='float32')
print(a.dtype, b.dtype, c.dtype, d.dtype, e.dtype, np.array([True, 2]).dtype)
print(np.array(['a', 'bcd']).dtype, np.array([[1], [2]]).shape, np.array(3.5).ndim)
print(np.array([a, a]).shape, np.array([a, a]).dtype, np.array(range(4)))
print(d.dtype == np.float32, d.dtype == 'float32', d.dtype.name, a.dtype != np.float64)
print(repr(a.dtype), repr(np.float32), np.float32(3), np.int64(2.7), np.float64(1) / 4)
print(np.zeros(3), np.ones((2, 2), dtype=np.int32).dtype, np.full((2,), 7), np.full(2, 0.5).dtype)
print(np.zeros_like(d).dtype, np.ones_like(a), np.zeros((2, 0)).shape)
print(np.arange(5), np.arange(1, 2, 0.25), np.arange(10, 0, -3), np.arange(3.0).dtype)
print(np.linspace(0, 1, 5), np.linspace(1, 2, 3, endpoint=False), np.eye(2), np.eye(2, 3, dtype=int))
print(a.astype(np.float32).dtype, b.astype(int), np.array([-1.7, 2.9]).astype(np.int32), a.astype(bool))
print(np.array([300, -1]).astype(np.uint8), np.array(['1.5', '2']).astype(float), a.astype(str))
print(np.pi, np.e, np.inf, -np.inf, np.nan, np.newaxis is None, isinstance(a, np.ndarray))
"##,
        r##"int64 float64 bool float32 float32 int64
<U3 (2, 1) 0
(2, 3) int64 [0 1 2 3]
True True float32 True
dtype('int64') <class 'numpy.float32'> 3.0 2 0.25
[0. 0. 0.] int32 [7 7] float64
float32 [1 1 1] (2, 0)
[0 1 2 3 4] [1.   1.25 1.5  1.75] [10  7  4  1] float64
[0.   0.25 0.5  0.75 1.  ] [1.         1.33333333 1.66666667] [[1. 0.]
 [0. 1.]] [[1 0 0]
 [0 1 0]]
float32 [1 2] [-1  2] [ True  True  True]
[ 44 255] [1.5 2. ] ['1' '2' '3']
3.141592653589793 2.718281828459045 inf -inf nan True True
"##,
    );
}

#[test]
fn printing_like_numpy() {
    check(
        r##"import numpy as np
print(repr(np.array([1., 2., 3.])), repr(np.array([[1, 2], [3, 4]])))
print(repr(np.array([1, 2], dtype=np.float32)), repr(np.array([1, 2], dtype=np.int32)))
print(repr(np.array([1.5, 2.25])), repr(np.array([-1., 2.])), repr(np.array([0.1, 1.0], np.float32)))
print(repr(np.array([1.5e-5, 1])), repr(np.array([1e8, 1])), repr(np.array([np.nan, 1.5, -np.inf])))
print(repr(np.array([1 / 3, 2 / 3], np.float32)), repr(np.array([123456789.0, 1.0])))
print(repr(np.array([True, False])), repr(np.array(['a', 'bbb'])), np.array(['a', 'bbb']))
print(repr(np.array([])), repr(np.zeros((0, 3))), repr(np.array(5)), np.array(5.), repr(np.array(2.5)))
print(np.array([[1.5, -2], [300, 4]]))
print(repr(np.ones((2, 2, 2))))
print(repr(np.arange(30)))
print(np.arange(30) * 1.5)
print(repr(np.arange(2000)))
print(repr(np.arange(2000.).reshape(1000, 2)))
print(np.arange(3000).reshape(3, 1000))
print(repr(np.linspace(0, 1, 7)))
print(repr(np.arange(12.).reshape(3, 4) / 7))
print(repr(np.arange(1001) * 1.5))
"##,
        r##"array([1., 2., 3.]) array([[1, 2],
       [3, 4]])
array([1., 2.], dtype=float32) array([1, 2], dtype=int32)
array([1.5 , 2.25]) array([-1.,  2.]) array([0.1, 1. ], dtype=float32)
array([1.5e-05, 1.0e+00]) array([1.e+08, 1.e+00]) array([ nan,  1.5, -inf])
array([0.33333334, 0.6666667 ], dtype=float32) array([1.23456789e+08, 1.00000000e+00])
array([ True, False]) array(['a', 'bbb'], dtype='<U3') ['a' 'bbb']
array([], dtype=float64) array([], shape=(0, 3), dtype=float64) array(5) 5.0 array(2.5)
[[  1.5  -2. ]
 [300.    4. ]]
array([[[1., 1.],
        [1., 1.]],

       [[1., 1.],
        [1., 1.]]])
array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,
       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])
[ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5
 21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5
 42.  43.5]
array([   0,    1,    2, ..., 1997, 1998, 1999], shape=(2000,))
array([[0.000e+00, 1.000e+00],
       [2.000e+00, 3.000e+00],
       [4.000e+00, 5.000e+00],
       ...,
       [1.994e+03, 1.995e+03],
       [1.996e+03, 1.997e+03],
       [1.998e+03, 1.999e+03]], shape=(1000, 2))
[[   0    1    2 ...  997  998  999]
 [1000 1001 1002 ... 1997 1998 1999]
 [2000 2001 2002 ... 2997 2998 2999]]
array([0.        , 0.16666667, 0.33333333, 0.5       , 0.66666667,
       0.83333333, 1.        ])
array([[0.        , 0.14285714, 0.28571429, 0.42857143],
       [0.57142857, 0.71428571, 0.85714286, 1.        ],
       [1.14285714, 1.28571429, 1.42857143, 1.57142857]])
array([   0. ,    1.5,    3. , ..., 1497. , 1498.5, 1500. ], shape=(1001,))
"##,
    );
}

#[test]
fn indexing() {
    check(
        r##"import numpy as np
a = np.arange(12).reshape(3, 4)
print(a[1], a[-1, -2], a[1][2], a[:, 0], a[1:3, ::2], a[::-1, ::-2], a[5:])
print(a[None].shape, a[:, None].shape, a[..., 0], a[..., np.newaxis].shape, a[0, ...])
print(a[a > 5], a[[2, 0]], a[np.array([0, 0, 1])].shape, a[[-1]], a[:, [1, 3]])
print(a[np.array([[0, 1], [2, 2]])].shape, a[np.array([True, False, True])])
b = a.astype(np.float32)
b[b > 8] = -1
b[:, 0] = 100
b[0] = [7, 8, 9, 10]
b[1, 1:3] = 0.5
b[-1, -1] += 3
print(b)
c = np.zeros(5)
c[[0, 2]] = 1
c[c == 0] = np.arange(3)
c[::2] *= 10
print(c)
alias = c
alias[0] = 42
print(c[0], len(a), [int(row.sum()) for row in a])
for row in np.array([[1, 2], [3, 4]]):
    print(row, row.shape)
for v in np.array([0.1, 2.5], np.float32):
    print(v)
s = np.array(['spam', 'ham', 'spam'])
print(s == 'spam', s[s == 'spam'], s[1], (s == 'spam').sum())
print(a.tolist(), a.item(5), np.array([[7]]).item(), float(np.array(2.5)), int(np.array(7)))
"##,
        r##"[4 5 6 7] 10 6 [0 4 8] [[ 4  6]
 [ 8 10]] [[11  9]
 [ 7  5]
 [ 3  1]] []
(1, 3, 4) (3, 1, 4) [0 4 8] (3, 4, 1) [0 1 2 3]
[ 6  7  8  9 10 11] [[ 8  9 10 11]
 [ 0  1  2  3]] (3, 4) [[ 8  9 10 11]] [[ 1  3]
 [ 5  7]
 [ 9 11]]
(2, 2, 4) [[ 0  1  2  3]
 [ 8  9 10 11]]
[[  7.    8.    9.   10. ]
 [100.    0.5   0.5   7. ]
 [100.   -1.   -1.    2. ]]
[10.  0. 10.  1. 20.]
42.0 3 [6, 22, 38]
[1 2] (2,)
[3 4] (2,)
0.1
2.5
[ True False  True] ['spam' 'spam'] ham 2
[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] 5 7 2.5 7
"##,
    );
}

#[test]
fn arithmetic_and_promotion() {
    check(
        r##"import numpy as np
x = np.array([1, 2, 3])
print(x + 1, x * 2.5, x / 2, x // 2, -x % 2, x ** 2, 1 - x, 2 ** x, -x, 10 / x)
print(np.array([-7, 7]) // 2, np.array([-7, 7]) % 3, np.array([-7.5, 7.5]) // 2, np.array([-7.5, 7.5]) % 2)
print(x == 2, x != 2, x < 2, x >= 2, 2 < x, (x > 1) & (x < 3), (x < 2) | (x > 2), ~(x > 1))
print(x + np.array([[10], [20]]), np.ones((2, 1)) * np.arange(3))
f = np.array([1.5, 2.5], dtype=np.float32)
u = np.array([250, 3], np.uint8)
i32 = np.array([1, 2], np.int32)
print((f * 2.0).dtype, (f + x[:2]).dtype, (x / x).dtype, (u + 1).dtype, (u / 255.0).dtype, (u * 2.0).dtype)
print((i32 + f).dtype, (u + f).dtype, (i32 * 2).dtype, (i32 / i32).dtype, (f / f).dtype)
b = np.array([True, False])
print((b + b).dtype, (b + 1).dtype, (b * 1.5).dtype, b & True, b | False, b ^ True)
print(u + 10, u * 2, f / 3, f * 3, x * True)
y = np.array([1.0, 2.0, 3.0])
y += 1
y *= 2
y -= np.array([1, 1, 1])
print(y, y / 0.5, abs(-y) if False else np.abs(-y), +y)
print(np.add(x, 1), np.subtract(5, x), np.multiply(x, x), np.divide(x, 4), np.power(x, 3), np.maximum(x, 2), np.minimum([1, 5], [3, 2]))
"##,
        r##"[2 3 4] [2.5 5.  7.5] [0.5 1.  1.5] [0 1 1] [1 0 1] [1 4 9] [ 0 -1 -2] [2 4 8] [-1 -2 -3] [10.          5.          3.33333333]
[-4  3] [2 1] [-4.  3.] [0.5 1.5]
[False  True False] [ True False  True] [ True False False] [False  True  True] [False False  True] [False  True False] [ True False  True] [ True False False]
[[11 12 13]
 [21 22 23]] [[0. 1. 2.]
 [0. 1. 2.]]
float32 float64 float64 uint8 float64 float64
float64 float32 int32 float64 float32
bool int64 float64 [ True False] [ True False] [False  True]
[ 4 13] [244   6] [0.5       0.8333333] [4.5 7.5] [1 2 3]
[3. 5. 7.] [ 6. 10. 14.] [3. 5. 7.] [3. 5. 7.]
[2 3 4] [4 3 2] [1 4 9] [0.25 0.5  0.75] [ 1  8 27] [2 2 3] [1 2]
"##,
    );
}

#[test]
fn reductions() {
    check(
        r##"import numpy as np
x = np.array([1, 2, 3])
print(x.mean(), x.min(), x.max(), x.sum(), x.prod(), x.argmax(), x.argmin())
print(round(x.std(), 6), round(x.var(), 6), round(x.std(ddof=1), 6), round(np.var([1.0, 2.0, 4.0]), 6))
a = np.arange(12).reshape(3, 4)
print(a.sum(axis=0), a.sum(axis=1), a.mean(axis=-1), a.max(axis=0, keepdims=True), a.argmax(axis=1))
print(a.sum(axis=(0, 1)), a.min(axis=1, keepdims=True).shape, a.mean(keepdims=True), a.std(axis=0))
print(np.mean([1, 2, 3, 4]), np.sum([[1, 2], [3, 4]], axis=0), np.max([3, 1, 2]), np.argmax([3, 1, 5]))
print(np.min(np.array([[1, 9], [8, 2]]), axis=1), np.argmax(np.array([[1, 9], [8, 2]])), np.argmin([[1, 9], [0, 2]], axis=0))
print(np.sum(np.array([True, True, False])), np.mean(np.array([True, False])), np.array([200, 100], np.uint8).sum())
print(np.arange(24).reshape(2, 3, 4)[:, 1:, ::2].sum(axis=(0, 2)), np.std(np.arange(10.0).reshape(2, 5), axis=1))
print(np.max(np.array([1.0, np.nan])), np.any(x > 2), np.all(x > 0), (x > 5).any(), np.prod([[1, 2], [3, 4]], axis=1))
f = np.array([0.1, 0.2, 0.3], dtype=np.float32)
print(f.sum(), f.mean(), f.max(), f.sum().dtype if False else 0)
big = np.arange(100000.0)
print(big.mean(), big[::10000], big.reshape(1000, 100).sum(axis=1)[:3])
print(np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]).argmax(axis=-1), np.mean(np.array([[1, 2], [3, 4]]), axis=0))
"##,
        r##"2.0 1 3 6 6 2 0
0.816497 0.666667 1.0 1.555556
[12 15 18 21] [ 6 22 38] [1.5 5.5 9.5] [[ 8  9 10 11]] [3 3 3]
66 (3, 1) [[5.5]] [3.26598632 3.26598632 3.26598632 3.26598632]
2.5 [4 6] 3 2
[1 2] 1 [1 1]
2 0.5 300
[44 60] [1.41421356 1.41421356]
nan True True False [ 2 12]
0.6 0.2 0.3 0
49999.5 [    0. 10000. 20000. 30000. 40000. 50000. 60000. 70000. 80000. 90000.] [ 4950. 14950. 24950.]
[1 0] [2. 3.]
"##,
    );
}

#[test]
fn shapes_and_joins() {
    check(
        r##"import numpy as np
a = np.arange(12).reshape(3, 4)
x = np.array([1, 2, 3])
print(a.T.shape, a.reshape(-1).shape, a.reshape(2, -1).shape, a.reshape((6, 2)).shape, a.flatten().shape, a.ravel()[:3])
print(np.reshape(a, (4, 3)).shape, np.reshape(a, -1)[-1], a.T[0], a.transpose().shape, np.transpose(np.zeros((2, 3, 4)), (1, 0, 2)).shape)
print(np.expand_dims(x, 0).shape, np.expand_dims(x, -1).shape, np.squeeze(np.zeros((1, 3, 1))).shape, np.zeros((1, 3, 1)).squeeze(axis=0).shape)
print(np.concatenate([x, x]), np.concatenate([a, a], axis=1).shape, np.concatenate([a, a], axis=None).shape)
print(np.stack([x, x]).shape, np.stack([x, x], axis=1), np.vstack([x, x]), np.hstack([x, x]), np.hstack([a, a]).shape)
print(np.vstack([a, x[:1].repeat(4) if False else np.zeros(4, dtype=int)]))
c = a.copy()
c[0, 0] = 99
print(a[0, 0], c[0, 0], np.copy(x), np.ravel(a)[:2], np.shape(a), a.size, a.ndim)
t = np.arange(6).reshape(2, 3).T
t[0, 1] = 50
print(t)
print(np.array(['b', 'a']).reshape(2, 1), np.concatenate([np.array(['x']), np.array(['y', 'z'])]))
"##,
        r##"(4, 3) (12,) (2, 6) (6, 2) (12,) [0 1 2]
(4, 3) 11 [0 4 8] (4, 3) (3, 2, 4)
(1, 3) (3, 1) (3,) (3, 1)
[1 2 3 1 2 3] (3, 8) (24,)
(2, 3) [[1 1]
 [2 2]
 [3 3]] [[1 2 3]
 [1 2 3]] [1 2 3 1 2 3] (3, 8)
[[ 0  1  2  3]
 [ 4  5  6  7]
 [ 8  9 10 11]
 [ 0  0  0  0]]
0 99 [1 2 3] [0 1] (3, 4) 12 2
[[ 0 50]
 [ 1  4]
 [ 2  5]]
[['b']
 ['a']] ['x' 'y' 'z']
"##,
    );
}

#[test]
fn elementwise_and_sorting() {
    check(
        r##"import numpy as np
x = np.array([1, 2, 3])
print(np.abs([-1, 2]), np.abs(np.array([-1.5, 2])), np.sqrt([4.0, 9.0]), np.exp([0.0, 1.0]), np.log([1.0, np.e]), np.log1p([0.0]))
print(np.sqrt(x), np.square(x), np.floor([1.5, -1.5]), np.ceil([1.2]), np.tanh([0.0]), np.log10([100.0]))
print(np.clip(x, 2, 3), np.clip(np.array([0.5, 5.0]), 1, None), x.clip(0, 2), np.clip(x, 1.5, 2.5))
print(np.round(np.array([0.5, 1.5, 2.567]), 1), np.round([0.5, 1.5, 2.5]), np.array([1.234, 5.678]).round(2), np.round(x))
print(np.where(x > 1, x, 0), np.where([True, False], 1.5, -1), np.where(x > 2, 'big', 'small') if False else 0)
print(np.unique([3, 1, 2, 3, 1]), np.unique(['b', 'a', 'b']), np.unique(np.array([[1, 1], [0, 5]])))
values, counts = np.unique([3, 1, 3], return_counts=True)
print(values, counts)
print(np.argsort([3, 1, 2]), np.sort([3, 1, 2]), np.sort(np.array([[3, 1], [0, 2]]), axis=0), np.sort([[3, 1], [0, 2]]))
print(np.argsort(np.array([[3, 1, 2], [0, 5, 4]]), axis=1), np.sort(np.array([2.0, np.nan, 1.0])), np.sort(['b', 'c', 'a']))
c = np.array([3, 1, 2])
c.sort()
print(c, np.array([5, 9, 1]).argsort(), np.isnan(np.array([1.0, np.nan])), np.isnan([1.0, 2.0]).any())
print(np.array_equal([1, 2], np.array([1, 2])), np.array_equal([1, 2], [1, 3]), np.allclose([1.0, 2.0], [1.0, 2.0000001]))
"##,
        r##"[1 2] [1.5 2. ] [2. 3.] [1.         2.71828183] [0. 1.] [0.]
[1.         1.41421356 1.73205081] [1 4 9] [ 1. -2.] [2.] [0.] [2.]
[2 2 3] [1. 5.] [1 2 2] [1.5 2.  2.5]
[0.5 1.5 2.6] [0. 2. 2.] [1.23 5.68] [1 2 3]
[0 2 3] [ 1.5 -1. ] 0
[1 2 3] ['a' 'b'] [0 1 5]
[1 3] [1 2]
[1 2 0] [1 2 3] [[0 1]
 [3 2]] [[1 3]
 [0 2]]
[[1 2 0]
 [0 2 1]] [ 1.  2. nan] ['a' 'b' 'c']
[1 2 3] [2 0 1] [False  True] False
True False True
"##,
    );
}

#[test]
fn errors_match_numpy() {
    check(
        r##"import numpy as np
def attempt(f):
    try:
        f()
    except Exception as e:
        print("error:", e)
x = np.array([1, 2, 3])
attempt(lambda: x + np.array([1, 2, 3, 4]))
attempt(lambda: np.ones((2, 3)) * np.ones((3, 2)))
attempt(lambda: np.arange(6).reshape(4))
attempt(lambda: np.arange(6).reshape(4, 2))
attempt(lambda: x[5])
attempt(lambda: x[-4])
attempt(lambda: x[1, 2])
attempt(lambda: np.ones((2, 3))[:, 7])
attempt(lambda: x[np.array([True, False])])
attempt(lambda: x[[0, 5]])
attempt(lambda: float(x))
attempt(lambda: np.array([[1, 2], [3]]))
attempt(lambda: np.concatenate([np.ones((2, 2)), np.ones((3, 3))]))
attempt(lambda: x.sum(axis=1))
attempt(lambda: np.array([]).max())
attempt(lambda: x[1.5])
attempt(lambda: np.stack([x, np.ones(2)]))
attempt(lambda: np.array([1.5])[np.array([0.0])])
attempt(lambda: x ** -1)
attempt(lambda: np.array([True]) - np.array([True]))
def assign():
    y = np.zeros(3)
    y[:] = [1, 2]
attempt(assign)
attempt(lambda: np.random.randint(5, 5))
attempt(lambda: np.random.choice(3, 5, replace=False))
"##,
        r##"error: operands could not be broadcast together with shapes (3,) (4,) 
error: operands could not be broadcast together with shapes (2,3) (3,2) 
error: cannot reshape array of size 6 into shape (4,)
error: cannot reshape array of size 6 into shape (4,2)
error: index 5 is out of bounds for axis 0 with size 3
error: index -4 is out of bounds for axis 0 with size 3
error: too many indices for array: array is 1-dimensional, but 2 were indexed
error: index 7 is out of bounds for axis 1 with size 3
error: boolean index did not match indexed array along axis 0; size of axis is 3 but size of corresponding boolean axis is 2
error: index 5 is out of bounds for axis 0 with size 3
error: only 0-dimensional arrays can be converted to Python scalars
error: setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.
error: all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 2 and the array at index 1 has size 3
error: axis 1 is out of bounds for array of dimension 1
error: zero-size array to reduction operation maximum which has no identity
error: only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices
error: all input arrays must have the same shape
error: arrays used as indices must be of integer (or boolean) type
error: Integers to negative integer powers are not allowed.
error: numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.
error: could not broadcast input array from shape (2,) into shape (3,)
error: low >= high
error: Cannot take a larger sample than population when 'replace=False'
"##,
    );
}

// ----- Dojo-only behaviour -------------------------------------------------

#[test]
fn random_is_seeded_shaped_and_in_range() {
    // Not numpy's MT19937 stream: only determinism, shapes, dtypes and ranges are asserted.
    let program = r#"
import numpy as np
np.random.seed(7)
first = np.random.rand(5)
np.random.seed(7)
print((first == np.random.rand(5)).all())
r = np.random.rand(2, 3)
print(r.shape, r.dtype, r.min() >= 0, r.max() < 1, isinstance(np.random.rand(), float))
n = np.random.randn(20000)
print(abs(n.mean()) < 0.05, abs(n.std() - 1) < 0.05)
g = np.random.normal(5, 2, size=(20000,))
print(abs(g.mean() - 5) < 0.1, abs(g.std() - 2) < 0.1)
u = np.random.uniform(-1, 1, (3, 3))
print(u.shape, u.min() >= -1, u.max() < 1)
i = np.random.randint(0, 10, size=(1000,))
print(i.dtype, i.min() >= 0, i.max() <= 9, len(np.unique(i)), np.random.randint(5) < 5)
print(sorted(np.random.permutation(6).tolist()), np.random.permutation(np.arange(8).reshape(4, 2)).sum(axis=0))
z = np.arange(10)
np.random.shuffle(z)
print(sorted(z.tolist()) == list(range(10)), (z == np.arange(10)).all())
rows = np.arange(6).reshape(3, 2)
np.random.shuffle(rows)
print(sorted(rows[:, 0].tolist()), ((rows[:, 1] - rows[:, 0]) == 1).all())
c = np.random.choice(5, 3, replace=False)
print(c.shape, len(np.unique(c)), np.random.choice(['a', 'b']) in ['a', 'b'])
w = np.random.choice([10, 20], size=100, p=[0.0, 1.0])
print((w == 20).all())
"#;
    let expected = "True\n(2, 3) float64 True True True\nTrue True\nTrue True\n(3, 3) True True\n\
                    int64 True True 10 True\n[0, 1, 2, 3, 4, 5] [12 16]\nTrue False\n\
                    [0, 2, 4] True\n(3,) 3 True\nTrue\n";
    check(program, expected);
    // The same program prints the same numbers on every run.
    let draw = "import numpy as np\nprint(np.random.rand(3), np.random.randint(0, 100, 4))\n";
    assert_eq!(run(draw, Limits::default()), run(draw, Limits::default()));
}

#[test]
fn allocations_over_the_limit_are_memory_errors() {
    let program = r#"
import numpy as np
def attempt(f):
    try:
        f()
    except MemoryError as e:
        print("MemoryError:", e)
    except ValueError as e:
        print("ValueError:", e)
attempt(lambda: np.zeros((100000, 100000)))
attempt(lambda: np.ones((100000, 1)) + np.ones((1, 100000)))
attempt(lambda: np.arange(10**12))
attempt(lambda: np.random.rand(100000, 100000))
attempt(lambda: np.full((2**40, 2**40), 1.0))
attempt(lambda: np.zeros((0, 2**40, 2**40)))
"#;
    // numpy's message for the first (it would attempt the others); numpy
    // 2.4.6 refuses the last two, whose byte count exceeds isize::MAX even
    // for an empty array, with this ValueError.
    check(
        program,
        "MemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000) and data type float64\n\
         MemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000) and data type float64\n\
         MemoryError: Unable to allocate 7.28 TiB for an array with shape (1000000000000,) and data type int64\n\
         MemoryError: Unable to allocate 74.5 GiB for an array with shape (100000, 100000) and data type float64\n\
         ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.\n\
         ValueError: array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.\n",
    );
    let small = Limits {
        max_array_bytes: 1000,
        ..Limits::default()
    };
    let report = run(
        "import numpy as np\na = np.zeros(100)\nb = np.array([list(range(200))])\n",
        small,
    );
    assert!(
        report.contains("MemoryError: Unable to allocate 1.56 KiB for an array with shape (1, 200) and data type int64")
            && report.contains("help: Dojo limits one array to 1000 bytes"),
        "{report}"
    );
    // Fancy indexing can grow an array: the result is checked before it exists.
    let report = run(
        "import numpy as np\na = np.zeros((10, 10))\nb = a[[0] * 20]\n",
        small,
    );
    assert!(
        report
            .contains("MemoryError: Unable to allocate 1.56 KiB for an array with shape (20, 10)"),
        "{report}"
    );
}

#[test]
fn missing_names_list_what_exists() {
    let report = run(
        "import numpy as np\nx = np.linespace(0, 1, 5)\n",
        Limits::default(),
    );
    assert!(
        report.contains("AttributeError: `np.linespace` is not available in Dojo\n")
            && report.contains("help: did you mean `np.linspace`?"),
        "{report}"
    );
    let report = run(
        "import numpy as np\nnp.random.randn2(3)\n",
        Limits::default(),
    );
    assert!(
        report.contains("`np.random.randn2` is not available in Dojo")
            && report.contains("did you mean `np.random.randn`?"),
        "{report}"
    );
    let report = run("import numpy as np\nnp.fft(3)\n", Limits::default());
    assert!(
        report.contains("help: available: abs, absolute, add, "),
        "{report}"
    );
    let report = run("import numpy as np\nnp.zeros(3).bogus\n", Limits::default());
    assert!(
        report.contains("AttributeError: 'ndarray' object has no attribute 'bogus'"),
        "{report}"
    );
}

#[test]
fn arrays_are_shared_tensors_for_the_trainer() {
    use dojo_lang::Value;
    use dojo_lang::ndarray::{DType, NdArray, to_ndarray};
    let interpreter = Interpreter::new(Limits::default(), |_| {});
    let rows = Value::list(vec![
        Value::list(vec![Value::Float(0.5), Value::Int(2)]),
        Value::list(vec![Value::Int(3), Value::Float(-1.25)]),
    ]);
    let array = to_ndarray(&interpreter, &rows, Some(DType::Float32)).unwrap();
    assert_eq!(
        (array.shape(), array.dtype()),
        (&[2, 2][..], DType::Float32)
    );
    let values = array
        .tensor()
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    for (got, want) in values.iter().zip([0.5f32, 2.0, 3.0, -1.25]) {
        assert!((got - want).abs() < 1e-6, "{values:?}");
    }
    // A value that already is an array converts without a copy.
    let value = array.clone().into_value();
    let again = to_ndarray(&interpreter, &value, None).unwrap();
    assert_eq!(again.tensor().unwrap().id(), array.tensor().unwrap().id());
    assert!(NdArray::from_value(&value).is_some());
    assert!(NdArray::from_value(&Value::Int(1)).is_none());
    let strings = to_ndarray(&interpreter, &Value::list(vec![Value::str("a")]), None).unwrap();
    assert_eq!(strings.dtype(), DType::Str);
    let ragged = Value::list(vec![Value::list(vec![Value::Int(1)]), Value::Int(2)]);
    assert!(to_ndarray(&interpreter, &ragged, None).is_err());
}

/// Arithmetic with a scalar on an array that must change type first (the
/// in-place path, which converts once instead of holding the copy and the
/// result): numpy's values and dtypes, and the original array untouched.
#[test]
fn scalar_arithmetic_that_converts_the_array() {
    check(
        r##"import numpy as np
u = np.array([[0, 3, 128], [200, 254, 255]], dtype=np.uint8)
x = u / 255.0
print(x.dtype, x.shape)
print([round(float(v), 12) for v in x.ravel()])
print(u.dtype, u[0, 1], u[1, 2])
print((1.0 - u / 255.0).dtype, [round(float(v), 12) for v in (2.0 - u).ravel()])
i = np.array([1, -2, 7])
print((i / 2).dtype, i / 2, (i * 1.5).dtype, i * 1.5, (3 / np.array([1, 2, 4])).tolist())
f = np.array([1.5, 2.5], dtype=np.float32)
print((f + 1).dtype, (f * 0.1).dtype, (np.array([True, False]) + 0.5).tolist())
v = u[:, ::2] / 2
print(v.dtype, v.tolist(), u[:, ::2].tolist())
"##,
        "float64 (2, 3)\n[0.0, 0.011764705882, 0.501960784314, 0.78431372549, 0.996078431373, 1.0]\nuint8 3 255\nfloat64 [2.0, -1.0, -126.0, -198.0, -252.0, -253.0]\nfloat64 [ 0.5 -1.   3.5] float64 [ 1.5 -3.  10.5] [3.0, 1.5, 0.75]\nfloat32 float32 [1.5, 0.5]\nfloat64 [[0.0, 64.0], [100.0, 127.5]] [[0, 128], [200, 255]]\n",
    );
}
