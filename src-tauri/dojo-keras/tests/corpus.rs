//! A corpus of exam-style models (dense regression, Fashion-MNIST dense and
//! CNN, horses-or-humans CNNs on 150x150x3, NLP embeddings/RNNs/Conv1D,
//! time series Conv1D + LSTM + Lambda) whose `summary()` text, parameter
//! counts and output shapes must equal Keras 3's.
//!
//! Expected values come from this script (`/root/tfvenv/bin/python gen_corpus.py`,
//! TF 2.21, run without a terminal), which prints `MODELS` and `FUNCTIONAL`:
/*
# Generates the model corpus of tests/corpus.rs: for each model, Keras 3's
# summary text (TF 2.21, printed to a non-terminal, 80 columns).
import os, json
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import warnings; warnings.filterwarnings("ignore")
import tensorflow as tf
from tensorflow import keras

def I(*shape): return ("Input", [tuple(shape)], {})
def Lyr(cls, *a, **k): return ("layer", cls, list(a), k)
def S(cls, *a, **k): return (cls, list(a), k)
LAMBDAS = {"x*400": lambda x: x * 400.0, "x*100": lambda x: x * 100.0, "x*400+5": lambda x: x * 400.0 + 5.0,
           "expand_dims": lambda x: tf.expand_dims(x, axis=-1)}

MODELS = [
    ("dense_single", [S("Dense", 1, input_shape=[1])]),
    ("dense_housing", [S("Dense", 64, activation="relu", input_shape=(13,)), S("Dense", 64, activation="relu"), S("Dense", 1)]),
    ("dense_input_dropout", [I(8), S("Dense", 32, activation="relu"), S("Dropout", 0.2), S("Dense", 16, activation="relu"), S("Dense", 1)]),
    ("dense_l2_bn", [S("Dense", 10, input_shape=(3,), kernel_regularizer="l2"), S("BatchNormalization"), S("Activation", "relu"), S("Dense", 1)]),
    ("dense_normalization", [S("Normalization", input_shape=(9,)), S("Dense", 64, activation="relu"), S("Dense", 1)]),
    ("fashion_dense", [S("Flatten", input_shape=(28, 28)), S("Dense", 128, activation="relu"), S("Dense", 10, activation="softmax")]),
    ("fashion_dense_rescale", [I(28, 28), S("Rescaling", 1 / 255.0), S("Flatten"), S("Dense", 256, activation="relu"), S("Dropout", 0.3), S("Dense", 128, activation="relu"), S("Dense", 10)]),
    ("fashion_dense_bn", [S("Flatten", input_shape=(28, 28, 1)), S("Dense", 512, activation="relu"), S("BatchNormalization"), S("Dense", 10, activation="softmax")]),
    ("fashion_cnn", [S("Conv2D", 32, (3, 3), activation="relu", input_shape=(28, 28, 1)), S("MaxPooling2D", 2, 2), S("Conv2D", 64, (3, 3), activation="relu"), S("MaxPooling2D", 2, 2), S("Flatten"), S("Dense", 128, activation="relu"), S("Dense", 10, activation="softmax")]),
    ("fashion_cnn_reshape_gap", [S("Reshape", (28, 28, 1), input_shape=(28, 28)), S("Conv2D", 16, 3, padding="same", activation="relu"), S("MaxPooling2D"), S("Conv2D", 32, 3, padding="same", activation="relu"), S("GlobalAveragePooling2D"), S("Dense", 10)]),
    ("fashion_cnn_bn", [S("Conv2D", 64, 3, activation="relu", input_shape=(28, 28, 1)), S("BatchNormalization"), S("MaxPooling2D"), S("Dropout", 0.25), S("Flatten"), S("Dense", 10, activation="softmax")]),
    ("fashion_cnn_strided", [S("Conv2D", 32, 5, strides=2, input_shape=(28, 28, 1)), S("AveragePooling2D", 2), S("Flatten"), S("Dense", 10)]),
    ("horses_classic", [S("Conv2D", 16, (3, 3), activation="relu", input_shape=(150, 150, 3)), S("MaxPooling2D", 2, 2), S("Conv2D", 32, (3, 3), activation="relu"), S("MaxPooling2D", 2, 2), S("Conv2D", 64, (3, 3), activation="relu"), S("MaxPooling2D", 2, 2), S("Conv2D", 64, (3, 3), activation="relu"), S("MaxPooling2D", 2, 2), S("Conv2D", 64, (3, 3), activation="relu"), S("MaxPooling2D", 2, 2), S("Flatten"), S("Dense", 512, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("horses_augmented", [I(150, 150, 3), S("RandomFlip", "horizontal"), S("RandomRotation", 0.2), S("RandomZoom", 0.2), S("Rescaling", 1 / 255.0), S("Conv2D", 16, 3, activation="relu"), S("MaxPooling2D"), S("Conv2D", 32, 3, activation="relu"), S("MaxPooling2D"), S("Flatten"), S("Dropout", 0.5), S("Dense", 1, activation="sigmoid")]),
    ("horses_same_gmp", [S("Conv2D", 32, 3, padding="same", activation="relu", input_shape=(150, 150, 3)), S("MaxPooling2D", 2), S("Conv2D", 64, 3, padding="same", activation="relu"), S("MaxPooling2D", 2), S("Conv2D", 128, 3, activation="relu"), S("GlobalMaxPooling2D"), S("Dense", 64, activation="relu"), S("Dense", 2, activation="softmax")]),
    ("horses_translation_contrast", [S("RandomTranslation", 0.1, 0.1, input_shape=(150, 150, 3)), S("RandomContrast", 0.2), S("Conv2D", 8, 3), S("MaxPooling2D", 3), S("Flatten"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_unbuilt", [S("Embedding", 1000, 16), S("GlobalAveragePooling1D"), S("Dense", 24, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_gap", [I(120), S("Embedding", 10000, 16), S("GlobalAveragePooling1D"), S("Dense", 24, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_bilstm", [I(120), S("Embedding", 10000, 64), S("Bidirectional", Lyr("LSTM", 64)), S("Dense", 64, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_stacked_bilstm", [I(100), S("Embedding", 5000, 32), S("Bidirectional", Lyr("LSTM", 32, return_sequences=True)), S("Bidirectional", Lyr("LSTM", 16)), S("Dense", 6, activation="softmax")]),
    ("nlp_conv1d", [I(120), S("Embedding", 10000, 16), S("Conv1D", 128, 5, activation="relu"), S("GlobalMaxPooling1D"), S("Dense", 24, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_bigru", [I(50), S("Embedding", 2000, 32), S("Bidirectional", Lyr("GRU", 32)), S("Dense", 1, activation="sigmoid")]),
    ("nlp_simple_rnn_textgen", [I(40), S("Embedding", 3000, 100), S("SimpleRNN", 32), S("Dense", 300, activation="softmax")]),
    ("nlp_flatten", [I(60), S("Embedding", 1000, 8), S("Flatten"), S("Dense", 6, activation="relu"), S("Dense", 1, activation="sigmoid")]),
    ("nlp_stacked_lstm", [I(30), S("Embedding", 500, 20), S("LSTM", 20, return_sequences=True), S("LSTM", 10), S("Dropout", 0.2), S("Dense", 5, activation="softmax")]),
    ("ts_conv_lstm_lambda", [I(30, 1), S("Conv1D", 32, 5, padding="causal", activation="relu"), S("LSTM", 64, return_sequences=True), S("LSTM", 64), S("Dense", 30, activation="relu"), S("Dense", 10, activation="relu"), S("Dense", 1), S("Lambda", "x*400")]),
    ("ts_expand_bilstm", [S("Lambda", "expand_dims", input_shape=[None]), S("Bidirectional", Lyr("LSTM", 32, return_sequences=True)), S("Bidirectional", Lyr("LSTM", 32)), S("Dense", 1), S("Lambda", "x*100")]),
    ("ts_dnn", [S("Dense", 10, activation="relu", input_shape=[20]), S("Dense", 10, activation="relu"), S("Dense", 1)]),
    ("ts_dilated_gru", [I(64, 1), S("Conv1D", 64, 3, padding="causal", dilation_rate=2, activation="relu"), S("Conv1D", 64, 3, padding="causal", dilation_rate=4, activation="relu"), S("MaxPooling1D", 2), S("GRU", 32), S("Dense", 1)]),
    ("ts_simple_rnn", [I(24, 3), S("SimpleRNN", 40, return_sequences=True), S("SimpleRNN", 40), S("Dense", 1), S("Lambda", "x*400+5")]),
    ("ts_layernorm_conv", [I(10, 4), S("LayerNormalization"), S("Conv1D", 16, 3, strides=2, padding="same"), S("AveragePooling1D", 2), S("GlobalAveragePooling1D"), S("Dense", 1)]),
    ("cnn_dilated_misc", [I(28, 28, 1), S("Conv2D", 8, 3, dilation_rate=2, padding="same"), S("SpatialDropout2D", 0.1), S("MaxPooling2D", 3, strides=2, padding="same"), S("Conv2D", 4, 1), S("Flatten"), S("GaussianNoise", 0.1), S("Dense", 3)]),
]

def py_arg(v):
    if isinstance(v, tuple) and v and v[0] == "layer":
        return getattr(keras.layers, v[1])(*v[2], **v[3])
    return v

def build(spec):
    layers = []
    for item in spec:
        if item[0] == "Input":
            layers.append(keras.Input(item[1][0]))
        elif item[0] == "Lambda":
            layers.append(keras.layers.Lambda(LAMBDAS[item[1][0]], **item[2]))
        else:
            layers.append(getattr(keras.layers, item[0])(*[py_arg(a) for a in item[1]], **item[2]))
    return keras.Sequential(layers)

def rv(v):
    if isinstance(v, bool): return f"V::Bool({str(v).lower()})"
    if isinstance(v, int): return f"V::Int({v})"
    if isinstance(v, float): return f"V::Float({v!r})"
    if isinstance(v, str): return f"V::Str({json.dumps(v)}.into())"
    if v is None: return "V::None"
    if isinstance(v, tuple) and v and v[0] == "layer":
        return f"V::Layer(layer({json.dumps(v[1])}, vec![{', '.join(rv(a) for a in v[2])}], vec![{', '.join(f'kw({json.dumps(k)}, {rv(x)})' for k, x in v[3].items())}]))"
    if isinstance(v, (tuple, list)): return f"V::Tuple(vec![{', '.join(rv(a) for a in v)}])"
    raise ValueError(v)

def summary(m):
    out = []
    m.summary(print_fn=lambda s, line_break=True: out.append(s))
    return "".join(out)

def functional(name):
    if name == "functional_branch":
        i = keras.Input((8,)); a = keras.layers.Dense(4)(i); b = keras.layers.Dense(4)(i)
        c = keras.layers.Concatenate()([a, b]); o = keras.layers.Dense(1)(c)
    elif name == "functional_chain":
        i = keras.Input((28, 28)); x = keras.layers.Flatten()(i); x = keras.layers.Dense(64, activation="relu")(x)
        o = keras.layers.Dense(10)(x)
    else:
        i = keras.Input((16,)); h = keras.layers.Dense(16, activation="relu")(i)
        s = keras.layers.Add()([i, h]); o = keras.layers.Dense(1)(s)
    return keras.Model(i, o)

print("const MODELS: &[Expected] = &[")
for name, spec in MODELS:
    keras.backend.clear_session()
    m = build(spec)
    items = []
    for item in spec:
        if item[0] in ("Input", "Lambda"):
            items.append(f'("{item[0]}", vec![{", ".join(rv(a) for a in item[1])}], vec![{", ".join(f"kw({json.dumps(k)}, {rv(x)})" for k, x in item[2].items())}])')
        else:
            items.append(f'("{item[0]}", vec![{", ".join(rv(a) for a in item[1])}], vec![{", ".join(f"kw({json.dumps(k)}, {rv(x)})" for k, x in item[2].items())}])')
    built = m.built
    print(f'    Expected {{\n        name: "{name}",\n        layers: || vec![\n            {(","+chr(10)+"            ").join(items)},\n        ],')
    print(f'        params: {m.count_params() if built else 0},')
    print(f'        output_shape: {json.dumps(str(m.output_shape) if built else "")},')
    print(f'        summary: r#"{summary(m)}"#,\n    }},')
print("];\n")
print("const FUNCTIONAL: &[(&str, &str)] = &[")
for name in ["functional_branch", "functional_chain", "functional_residual"]:
    keras.backend.clear_session()
    print(f'    ("{name}", r#"{summary(functional(name))}"#),')
print("];")
*/
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dojo_keras::{ConfigValue as V, LambdaExpr as E, LayerRef, Model, layers, model, session};

fn kw(k: &str, v: V) -> (String, V) {
    (k.to_string(), v)
}

fn layer(class: &str, args: Vec<V>, kwargs: Vec<(String, V)>) -> LayerRef {
    layers::build(class, args, kwargs).unwrap()
}

type Spec = (&'static str, Vec<V>, Vec<(String, V)>);

struct Expected {
    name: &'static str,
    layers: fn() -> Vec<Spec>,
    params: usize,
    output_shape: &'static str,
    summary: &'static str,
}

/// The traced form of the script's `LAMBDAS`.
fn lambda(name: &str) -> E {
    let mul = |c: f64| E::Mul(Box::new(E::Input), Box::new(E::Const(c)));
    match name {
        "x*400" => mul(400.0),
        "x*100" => mul(100.0),
        "x*400+5" => E::Add(Box::new(mul(400.0)), Box::new(E::Const(5.0))),
        "expand_dims" => E::ExpandDims(Box::new(E::Input), -1),
        other => panic!("unknown lambda {other}"),
    }
}

fn shape(v: &V) -> Vec<Option<usize>> {
    v.as_seq()
        .unwrap()
        .iter()
        .map(|d| match d {
            V::Int(i) => Some(*i as usize),
            _ => None,
        })
        .collect()
}

fn build(specs: Vec<Spec>) -> Model {
    let mut m = Model::sequential(vec![], None).unwrap();
    for (class, args, kwargs) in specs {
        match class {
            "Input" => m
                .add(model::input(shape(&args[0]), None).unwrap().layer())
                .unwrap(),
            "Lambda" => {
                let V::Str(name) = &args[0] else {
                    panic!("lambda name")
                };
                m.add(layer("Lambda", vec![V::Lambda(lambda(name))], kwargs))
                    .unwrap();
            }
            _ => m.add(layer(class, args, kwargs)).unwrap(),
        }
    }
    m
}

#[test]
fn corpus_matches_keras() {
    assert!(MODELS.len() >= 30);
    for e in MODELS {
        session::clear_session();
        let m = build((e.layers)());
        let summary = m.summary().unwrap();
        assert_eq!(summary, e.summary, "{}: summary differs\n{summary}", e.name);
        if m.built() {
            assert_eq!(m.count_params().unwrap(), e.params, "{}", e.name);
            assert_eq!(
                layers::format_dims(&m.output_shape().unwrap()),
                e.output_shape,
                "{}",
                e.name
            );
        } else {
            assert_eq!(e.params, 0, "{}: Keras built it", e.name);
        }
    }
}

fn functional(name: &str) -> Model {
    let dense = |n: i64| layer("Dense", vec![V::Int(n)], vec![]);
    let relu = || kw("activation", V::Str("relu".into()));
    let call = |l: &LayerRef, ins: &[model::SymbolicTensor]| model::call_symbolic(l, ins).unwrap();
    let (i, o) = match name {
        "functional_branch" => {
            let i = model::input(vec![Some(8)], None).unwrap();
            let a = call(&dense(4), std::slice::from_ref(&i));
            let b = call(&dense(4), std::slice::from_ref(&i));
            let c = call(&layer("Concatenate", vec![], vec![]), &[a, b]);
            let o = call(&dense(1), &[c]);
            (i, o)
        }
        "functional_chain" => {
            let i = model::input(vec![Some(28), Some(28)], None).unwrap();
            let x = call(&layer("Flatten", vec![], vec![]), std::slice::from_ref(&i));
            let x = call(&layer("Dense", vec![V::Int(64)], vec![relu()]), &[x]);
            let o = call(&dense(10), &[x]);
            (i, o)
        }
        _ => {
            let i = model::input(vec![Some(16)], None).unwrap();
            let h = call(
                &layer("Dense", vec![V::Int(16)], vec![relu()]),
                std::slice::from_ref(&i),
            );
            let s = call(&layer("Add", vec![], vec![]), &[i.clone(), h]);
            let o = call(&dense(1), &[s]);
            (i, o)
        }
    };
    Model::functional(&[i], &[o], None).unwrap()
}

#[test]
fn functional_summaries_match_keras() {
    for (name, want) in FUNCTIONAL {
        session::clear_session();
        let m = functional(name);
        assert_eq!(m.summary().unwrap(), *want, "{name}");
    }
}

const MODELS: &[Expected] = &[
    Expected {
        name: "dense_single",
        layers: || {
            vec![(
                "Dense",
                vec![V::Int(1)],
                vec![kw("input_shape", V::Tuple(vec![V::Int(1)]))],
            )]
        },
        params: 2,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 1)              │             2 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2 (8.00 B)
 Trainable params: 2 (8.00 B)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "dense_housing",
        layers: || {
            vec![
                (
                    "Dense",
                    vec![V::Int(64)],
                    vec![
                        kw("activation", V::Str("relu".into())),
                        kw("input_shape", V::Tuple(vec![V::Int(13)])),
                    ],
                ),
                (
                    "Dense",
                    vec![V::Int(64)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 5121,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │           896 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 64)             │         4,160 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            65 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 5,121 (20.00 KB)
 Trainable params: 5,121 (20.00 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "dense_input_dropout",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(8)])], vec![]),
                (
                    "Dense",
                    vec![V::Int(32)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dropout", vec![V::Float(0.2)], vec![]),
                (
                    "Dense",
                    vec![V::Int(16)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 833,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 32)             │           288 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 32)             │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 16)             │           528 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            17 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 833 (3.25 KB)
 Trainable params: 833 (3.25 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "dense_l2_bn",
        layers: || {
            vec![
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![
                        kw("input_shape", V::Tuple(vec![V::Int(3)])),
                        kw("kernel_regularizer", V::Str("l2".into())),
                    ],
                ),
                ("BatchNormalization", vec![], vec![]),
                ("Activation", vec![V::Str("relu".into())], vec![]),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 91,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 10)             │            40 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 10)             │            40 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ activation (Activation)         │ (None, 10)             │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            11 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 91 (364.00 B)
 Trainable params: 71 (284.00 B)
 Non-trainable params: 20 (80.00 B)
"#,
    },
    Expected {
        name: "dense_normalization",
        layers: || {
            vec![
                (
                    "Normalization",
                    vec![],
                    vec![kw("input_shape", V::Tuple(vec![V::Int(9)]))],
                ),
                (
                    "Dense",
                    vec![V::Int(64)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 724,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ normalization (Normalization)   │ (None, 9)              │            19 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │           640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            65 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 724 (2.83 KB)
 Trainable params: 705 (2.75 KB)
 Non-trainable params: 19 (80.00 B)
"#,
    },
    Expected {
        name: "fashion_dense",
        layers: || {
            vec![
                (
                    "Flatten",
                    vec![],
                    vec![kw("input_shape", V::Tuple(vec![V::Int(28), V::Int(28)]))],
                ),
                (
                    "Dense",
                    vec![V::Int(128)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 101770,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │       100,480 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 101,770 (397.54 KB)
 Trainable params: 101,770 (397.54 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "fashion_dense_rescale",
        layers: || {
            vec![
                (
                    "Input",
                    vec![V::Tuple(vec![V::Int(28), V::Int(28)])],
                    vec![],
                ),
                ("Rescaling", vec![V::Float(0.00392156862745098)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(256)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dropout", vec![V::Float(0.3)], vec![]),
                (
                    "Dense",
                    vec![V::Int(128)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(10)], vec![]),
            ]
        },
        params: 235146,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ rescaling (Rescaling)           │ (None, 28, 28)         │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 256)            │       200,960 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 256)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 128)            │        32,896 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 235,146 (918.54 KB)
 Trainable params: 235,146 (918.54 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "fashion_dense_bn",
        layers: || {
            vec![
                (
                    "Flatten",
                    vec![],
                    vec![kw(
                        "input_shape",
                        V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)]),
                    )],
                ),
                (
                    "Dense",
                    vec![V::Int(512)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("BatchNormalization", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 409098,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 512)            │       401,920 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 512)            │         2,048 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         5,130 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 409,098 (1.56 MB)
 Trainable params: 408,074 (1.56 MB)
 Non-trainable params: 1,024 (4.00 KB)
"#,
    },
    Expected {
        name: "fashion_cnn",
        layers: || {
            vec![
                (
                    "Conv2D",
                    vec![V::Int(32), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![
                        kw("activation", V::Str("relu".into())),
                        kw(
                            "input_shape",
                            V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)]),
                        ),
                    ],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(64), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(128)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 225034,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 13, 13, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 11, 11, 64)     │        18,496 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 5, 5, 64)       │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 1600)           │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │       204,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 225,034 (879.04 KB)
 Trainable params: 225,034 (879.04 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "fashion_cnn_reshape_gap",
        layers: || {
            vec![
                (
                    "Reshape",
                    vec![V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)])],
                    vec![kw("input_shape", V::Tuple(vec![V::Int(28), V::Int(28)]))],
                ),
                (
                    "Conv2D",
                    vec![V::Int(16), V::Int(3)],
                    vec![
                        kw("padding", V::Str("same".into())),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                ("MaxPooling2D", vec![], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(32), V::Int(3)],
                    vec![
                        kw("padding", V::Str("same".into())),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                ("GlobalAveragePooling2D", vec![], vec![]),
                ("Dense", vec![V::Int(10)], vec![]),
            ]
        },
        params: 5130,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ reshape (Reshape)               │ (None, 28, 28, 1)      │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d (Conv2D)                 │ (None, 28, 28, 16)     │           160 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 14, 14, 16)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 14, 14, 32)     │         4,640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_average_pooling2d        │ (None, 32)             │             0 │
│ (GlobalAveragePooling2D)        │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 10)             │           330 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 5,130 (20.04 KB)
 Trainable params: 5,130 (20.04 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "fashion_cnn_bn",
        layers: || {
            vec![
                (
                    "Conv2D",
                    vec![V::Int(64), V::Int(3)],
                    vec![
                        kw("activation", V::Str("relu".into())),
                        kw(
                            "input_shape",
                            V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)]),
                        ),
                    ],
                ),
                ("BatchNormalization", vec![], vec![]),
                ("MaxPooling2D", vec![], vec![]),
                ("Dropout", vec![V::Float(0.25)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 109066,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 64)     │           640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 26, 26, 64)     │           256 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 13, 13, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 13, 13, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 10816)          │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 10)             │       108,170 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 109,066 (426.04 KB)
 Trainable params: 108,938 (425.54 KB)
 Non-trainable params: 128 (512.00 B)
"#,
    },
    Expected {
        name: "fashion_cnn_strided",
        layers: || {
            vec![
                (
                    "Conv2D",
                    vec![V::Int(32), V::Int(5)],
                    vec![
                        kw("strides", V::Int(2)),
                        kw(
                            "input_shape",
                            V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)]),
                        ),
                    ],
                ),
                ("AveragePooling2D", vec![V::Int(2)], vec![]),
                ("Flatten", vec![], vec![]),
                ("Dense", vec![V::Int(10)], vec![]),
            ]
        },
        params: 12362,
        output_shape: "(None, 10)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 12, 12, 32)     │           832 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ average_pooling2d               │ (None, 6, 6, 32)       │             0 │
│ (AveragePooling2D)              │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 1152)           │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 10)             │        11,530 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 12,362 (48.29 KB)
 Trainable params: 12,362 (48.29 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "horses_classic",
        layers: || {
            vec![
                (
                    "Conv2D",
                    vec![V::Int(16), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![
                        kw("activation", V::Str("relu".into())),
                        kw(
                            "input_shape",
                            V::Tuple(vec![V::Int(150), V::Int(150), V::Int(3)]),
                        ),
                    ],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(32), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(64), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(64), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(64), V::Tuple(vec![V::Int(3), V::Int(3)])],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![V::Int(2), V::Int(2)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(512)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 229537,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 148, 148, 16)   │           448 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 74, 74, 16)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 72, 72, 32)     │         4,640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 36, 36, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_2 (Conv2D)               │ (None, 34, 34, 64)     │        18,496 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_2 (MaxPooling2D)  │ (None, 17, 17, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_3 (Conv2D)               │ (None, 15, 15, 64)     │        36,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_3 (MaxPooling2D)  │ (None, 7, 7, 64)       │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_4 (Conv2D)               │ (None, 5, 5, 64)       │        36,928 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_4 (MaxPooling2D)  │ (None, 2, 2, 64)       │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 256)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 512)            │       131,584 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │           513 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 229,537 (896.63 KB)
 Trainable params: 229,537 (896.63 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "horses_augmented",
        layers: || {
            vec![
                (
                    "Input",
                    vec![V::Tuple(vec![V::Int(150), V::Int(150), V::Int(3)])],
                    vec![],
                ),
                ("RandomFlip", vec![V::Str("horizontal".into())], vec![]),
                ("RandomRotation", vec![V::Float(0.2)], vec![]),
                ("RandomZoom", vec![V::Float(0.2)], vec![]),
                ("Rescaling", vec![V::Float(0.00392156862745098)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(16), V::Int(3)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(32), V::Int(3)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("MaxPooling2D", vec![], vec![]),
                ("Flatten", vec![], vec![]),
                ("Dropout", vec![V::Float(0.5)], vec![]),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 46561,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ random_flip (RandomFlip)        │ (None, 150, 150, 3)    │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ random_rotation                 │ (None, 150, 150, 3)    │             0 │
│ (RandomRotation)                │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ random_zoom (RandomZoom)        │ (None, 150, 150, 3)    │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ rescaling (Rescaling)           │ (None, 150, 150, 3)    │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d (Conv2D)                 │ (None, 148, 148, 16)   │           448 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 74, 74, 16)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 72, 72, 32)     │         4,640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 36, 36, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 41472)          │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 41472)          │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │        41,473 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 46,561 (181.88 KB)
 Trainable params: 46,561 (181.88 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "horses_same_gmp",
        layers: || {
            vec![
                (
                    "Conv2D",
                    vec![V::Int(32), V::Int(3)],
                    vec![
                        kw("padding", V::Str("same".into())),
                        kw("activation", V::Str("relu".into())),
                        kw(
                            "input_shape",
                            V::Tuple(vec![V::Int(150), V::Int(150), V::Int(3)]),
                        ),
                    ],
                ),
                ("MaxPooling2D", vec![V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(64), V::Int(3)],
                    vec![
                        kw("padding", V::Str("same".into())),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                ("MaxPooling2D", vec![V::Int(2)], vec![]),
                (
                    "Conv2D",
                    vec![V::Int(128), V::Int(3)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("GlobalMaxPooling2D", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(64)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(2)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 101634,
        output_shape: "(None, 2)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 150, 150, 32)   │           896 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 75, 75, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 75, 75, 64)     │        18,496 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 37, 37, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_2 (Conv2D)               │ (None, 35, 35, 128)    │        73,856 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_max_pooling2d            │ (None, 128)            │             0 │
│ (GlobalMaxPooling2D)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │         8,256 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 2)              │           130 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 101,634 (397.01 KB)
 Trainable params: 101,634 (397.01 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "horses_translation_contrast",
        layers: || {
            vec![
                (
                    "RandomTranslation",
                    vec![V::Float(0.1), V::Float(0.1)],
                    vec![kw(
                        "input_shape",
                        V::Tuple(vec![V::Int(150), V::Int(150), V::Int(3)]),
                    )],
                ),
                ("RandomContrast", vec![V::Float(0.2)], vec![]),
                ("Conv2D", vec![V::Int(8), V::Int(3)], vec![]),
                ("MaxPooling2D", vec![V::Int(3)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 19433,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ random_translation              │ (None, 150, 150, 3)    │             0 │
│ (RandomTranslation)             │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ random_contrast                 │ (None, 150, 150, 3)    │             0 │
│ (RandomContrast)                │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d (Conv2D)                 │ (None, 148, 148, 8)    │           224 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 49, 49, 8)      │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 19208)          │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │        19,209 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 19,433 (75.91 KB)
 Trainable params: 19,433 (75.91 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_unbuilt",
        layers: || {
            vec![
                ("Embedding", vec![V::Int(1000), V::Int(16)], vec![]),
                ("GlobalAveragePooling1D", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(24)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 0,
        output_shape: "",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_average_pooling1d        │ ?                      │             0 │
│ (GlobalAveragePooling1D)        │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_gap",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(120)])], vec![]),
                ("Embedding", vec![V::Int(10000), V::Int(16)], vec![]),
                ("GlobalAveragePooling1D", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(24)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 160433,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 120, 16)        │       160,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_average_pooling1d        │ (None, 16)             │             0 │
│ (GlobalAveragePooling1D)        │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 24)             │           408 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            25 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 160,433 (626.69 KB)
 Trainable params: 160,433 (626.69 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_bilstm",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(120)])], vec![]),
                ("Embedding", vec![V::Int(10000), V::Int(64)], vec![]),
                (
                    "Bidirectional",
                    vec![V::Layer(layer("LSTM", vec![V::Int(64)], vec![]))],
                    vec![],
                ),
                (
                    "Dense",
                    vec![V::Int(64)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 714369,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 120, 64)        │       640,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional (Bidirectional)   │ (None, 128)            │        66,048 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │         8,256 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            65 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 714,369 (2.73 MB)
 Trainable params: 714,369 (2.73 MB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_stacked_bilstm",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(100)])], vec![]),
                ("Embedding", vec![V::Int(5000), V::Int(32)], vec![]),
                (
                    "Bidirectional",
                    vec![V::Layer(layer(
                        "LSTM",
                        vec![V::Int(32)],
                        vec![kw("return_sequences", V::Bool(true))],
                    ))],
                    vec![],
                ),
                (
                    "Bidirectional",
                    vec![V::Layer(layer("LSTM", vec![V::Int(16)], vec![]))],
                    vec![],
                ),
                (
                    "Dense",
                    vec![V::Int(6)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 187206,
        output_shape: "(None, 6)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 100, 32)        │       160,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional (Bidirectional)   │ (None, 100, 64)        │        16,640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional_1 (Bidirectional) │ (None, 32)             │        10,368 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 6)              │           198 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 187,206 (731.27 KB)
 Trainable params: 187,206 (731.27 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_conv1d",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(120)])], vec![]),
                ("Embedding", vec![V::Int(10000), V::Int(16)], vec![]),
                (
                    "Conv1D",
                    vec![V::Int(128), V::Int(5)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("GlobalMaxPooling1D", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(24)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 173489,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 120, 16)        │       160,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv1d (Conv1D)                 │ (None, 116, 128)       │        10,368 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_max_pooling1d            │ (None, 128)            │             0 │
│ (GlobalMaxPooling1D)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 24)             │         3,096 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │            25 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 173,489 (677.69 KB)
 Trainable params: 173,489 (677.69 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_bigru",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(50)])], vec![]),
                ("Embedding", vec![V::Int(2000), V::Int(32)], vec![]),
                (
                    "Bidirectional",
                    vec![V::Layer(layer("GRU", vec![V::Int(32)], vec![]))],
                    vec![],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 76737,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 50, 32)         │        64,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional (Bidirectional)   │ (None, 64)             │        12,672 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │            65 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 76,737 (299.75 KB)
 Trainable params: 76,737 (299.75 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_simple_rnn_textgen",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(40)])], vec![]),
                ("Embedding", vec![V::Int(3000), V::Int(100)], vec![]),
                ("SimpleRNN", vec![V::Int(32)], vec![]),
                (
                    "Dense",
                    vec![V::Int(300)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 314156,
        output_shape: "(None, 300)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 40, 100)        │       300,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ simple_rnn (SimpleRNN)          │ (None, 32)             │         4,256 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 300)            │         9,900 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 314,156 (1.20 MB)
 Trainable params: 314,156 (1.20 MB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_flatten",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(60)])], vec![]),
                ("Embedding", vec![V::Int(1000), V::Int(8)], vec![]),
                ("Flatten", vec![], vec![]),
                (
                    "Dense",
                    vec![V::Int(6)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(1)],
                    vec![kw("activation", V::Str("sigmoid".into()))],
                ),
            ]
        },
        params: 10893,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 60, 8)          │         8,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 480)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 6)              │         2,886 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │             7 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 10,893 (42.55 KB)
 Trainable params: 10,893 (42.55 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "nlp_stacked_lstm",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(30)])], vec![]),
                ("Embedding", vec![V::Int(500), V::Int(20)], vec![]),
                (
                    "LSTM",
                    vec![V::Int(20)],
                    vec![kw("return_sequences", V::Bool(true))],
                ),
                ("LSTM", vec![V::Int(10)], vec![]),
                ("Dropout", vec![V::Float(0.2)], vec![]),
                (
                    "Dense",
                    vec![V::Int(5)],
                    vec![kw("activation", V::Str("softmax".into()))],
                ),
            ]
        },
        params: 14575,
        output_shape: "(None, 5)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ embedding (Embedding)           │ (None, 30, 20)         │        10,000 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lstm (LSTM)                     │ (None, 30, 20)         │         3,280 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lstm_1 (LSTM)                   │ (None, 10)             │         1,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 10)             │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 5)              │            55 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 14,575 (56.93 KB)
 Trainable params: 14,575 (56.93 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_conv_lstm_lambda",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(30), V::Int(1)])], vec![]),
                (
                    "Conv1D",
                    vec![V::Int(32), V::Int(5)],
                    vec![
                        kw("padding", V::Str("causal".into())),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                (
                    "LSTM",
                    vec![V::Int(64)],
                    vec![kw("return_sequences", V::Bool(true))],
                ),
                ("LSTM", vec![V::Int(64)], vec![]),
                (
                    "Dense",
                    vec![V::Int(30)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
                ("Lambda", vec![V::Str("x*400".into())], vec![]),
            ]
        },
        params: 60319,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv1d (Conv1D)                 │ (None, 30, 32)         │           192 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lstm (LSTM)                     │ (None, 30, 64)         │        24,832 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lstm_1 (LSTM)                   │ (None, 64)             │        33,024 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 30)             │         1,950 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           310 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            11 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lambda (Lambda)                 │ (None, 1)              │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 60,319 (235.62 KB)
 Trainable params: 60,319 (235.62 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_expand_bilstm",
        layers: || {
            vec![
                (
                    "Lambda",
                    vec![V::Str("expand_dims".into())],
                    vec![kw("input_shape", V::Tuple(vec![V::None]))],
                ),
                (
                    "Bidirectional",
                    vec![V::Layer(layer(
                        "LSTM",
                        vec![V::Int(32)],
                        vec![kw("return_sequences", V::Bool(true))],
                    ))],
                    vec![],
                ),
                (
                    "Bidirectional",
                    vec![V::Layer(layer("LSTM", vec![V::Int(32)], vec![]))],
                    vec![],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
                ("Lambda", vec![V::Str("x*100".into())], vec![]),
            ]
        },
        params: 33601,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ lambda (Lambda)                 │ (None, None, 1)        │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional (Bidirectional)   │ (None, None, 64)       │         8,704 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ bidirectional_1 (Bidirectional) │ (None, 64)             │        24,832 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │            65 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lambda_1 (Lambda)               │ (None, 1)              │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 33,601 (131.25 KB)
 Trainable params: 33,601 (131.25 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_dnn",
        layers: || {
            vec![
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![
                        kw("activation", V::Str("relu".into())),
                        kw("input_shape", V::Tuple(vec![V::Int(20)])),
                    ],
                ),
                (
                    "Dense",
                    vec![V::Int(10)],
                    vec![kw("activation", V::Str("relu".into()))],
                ),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 331,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 10)             │           210 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           110 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 1)              │            11 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 331 (1.29 KB)
 Trainable params: 331 (1.29 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_dilated_gru",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(64), V::Int(1)])], vec![]),
                (
                    "Conv1D",
                    vec![V::Int(64), V::Int(3)],
                    vec![
                        kw("padding", V::Str("causal".into())),
                        kw("dilation_rate", V::Int(2)),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                (
                    "Conv1D",
                    vec![V::Int(64), V::Int(3)],
                    vec![
                        kw("padding", V::Str("causal".into())),
                        kw("dilation_rate", V::Int(4)),
                        kw("activation", V::Str("relu".into())),
                    ],
                ),
                ("MaxPooling1D", vec![V::Int(2)], vec![]),
                ("GRU", vec![V::Int(32)], vec![]),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 22049,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv1d (Conv1D)                 │ (None, 64, 64)         │           256 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv1d_1 (Conv1D)               │ (None, 64, 64)         │        12,352 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling1d (MaxPooling1D)    │ (None, 32, 64)         │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ gru (GRU)                       │ (None, 32)             │         9,408 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │            33 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 22,049 (86.13 KB)
 Trainable params: 22,049 (86.13 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_simple_rnn",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(24), V::Int(3)])], vec![]),
                (
                    "SimpleRNN",
                    vec![V::Int(40)],
                    vec![kw("return_sequences", V::Bool(true))],
                ),
                ("SimpleRNN", vec![V::Int(40)], vec![]),
                ("Dense", vec![V::Int(1)], vec![]),
                ("Lambda", vec![V::Str("x*400+5".into())], vec![]),
            ]
        },
        params: 5041,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ simple_rnn (SimpleRNN)          │ (None, 24, 40)         │         1,760 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ simple_rnn_1 (SimpleRNN)        │ (None, 40)             │         3,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │            41 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ lambda (Lambda)                 │ (None, 1)              │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 5,041 (19.69 KB)
 Trainable params: 5,041 (19.69 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "ts_layernorm_conv",
        layers: || {
            vec![
                ("Input", vec![V::Tuple(vec![V::Int(10), V::Int(4)])], vec![]),
                ("LayerNormalization", vec![], vec![]),
                (
                    "Conv1D",
                    vec![V::Int(16), V::Int(3)],
                    vec![
                        kw("strides", V::Int(2)),
                        kw("padding", V::Str("same".into())),
                    ],
                ),
                ("AveragePooling1D", vec![V::Int(2)], vec![]),
                ("GlobalAveragePooling1D", vec![], vec![]),
                ("Dense", vec![V::Int(1)], vec![]),
            ]
        },
        params: 233,
        output_shape: "(None, 1)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ layer_normalization             │ (None, 10, 4)          │             8 │
│ (LayerNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv1d (Conv1D)                 │ (None, 5, 16)          │           208 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ average_pooling1d               │ (None, 2, 16)          │             0 │
│ (AveragePooling1D)              │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_average_pooling1d        │ (None, 16)             │             0 │
│ (GlobalAveragePooling1D)        │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │            17 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 233 (932.00 B)
 Trainable params: 233 (932.00 B)
 Non-trainable params: 0 (0.00 B)
"#,
    },
    Expected {
        name: "cnn_dilated_misc",
        layers: || {
            vec![
                (
                    "Input",
                    vec![V::Tuple(vec![V::Int(28), V::Int(28), V::Int(1)])],
                    vec![],
                ),
                (
                    "Conv2D",
                    vec![V::Int(8), V::Int(3)],
                    vec![
                        kw("dilation_rate", V::Int(2)),
                        kw("padding", V::Str("same".into())),
                    ],
                ),
                ("SpatialDropout2D", vec![V::Float(0.1)], vec![]),
                (
                    "MaxPooling2D",
                    vec![V::Int(3)],
                    vec![
                        kw("strides", V::Int(2)),
                        kw("padding", V::Str("same".into())),
                    ],
                ),
                ("Conv2D", vec![V::Int(4), V::Int(1)], vec![]),
                ("Flatten", vec![], vec![]),
                ("GaussianNoise", vec![V::Float(0.1)], vec![]),
                ("Dense", vec![V::Int(3)], vec![]),
            ]
        },
        params: 2471,
        output_shape: "(None, 3)",
        summary: r#"Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 28, 28, 8)      │            80 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ spatial_dropout2d               │ (None, 28, 28, 8)      │             0 │
│ (SpatialDropout2D)              │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 14, 14, 8)      │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 14, 14, 4)      │            36 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ gaussian_noise (GaussianNoise)  │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 3)              │         2,355 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 2,471 (9.65 KB)
 Trainable params: 2,471 (9.65 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    },
];

const FUNCTIONAL: &[(&str, &str)] = &[
    (
        "functional_branch",
        r#"Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 8)         │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 4)         │         36 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 4)         │         36 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 8)         │          0 │ dense[0][0],      │
│ (Concatenate)       │                   │            │ dense_1[0][0]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 1)         │          9 │ concatenate[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 81 (324.00 B)
 Trainable params: 81 (324.00 B)
 Non-trainable params: 0 (0.00 B)
"#,
    ),
    (
        "functional_chain",
        r#"Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)        │ (None, 28, 28)         │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │        50,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 50,890 (198.79 KB)
 Trainable params: 50,890 (198.79 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    ),
    (
        "functional_residual",
        r#"Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer         │ (None, 16)        │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 16)        │        272 │ input_layer[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ add (Add)           │ (None, 16)        │          0 │ input_layer[0][0… │
│                     │                   │            │ dense[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 1)         │         17 │ add[0][0]         │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 289 (1.13 KB)
 Trainable params: 289 (1.13 KB)
 Non-trainable params: 0 (0.00 B)
"#,
    ),
];
