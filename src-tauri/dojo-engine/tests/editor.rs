//! The editor's completions, signature help and hover: every name offered
//! runs in the interpreter, the signatures are Keras's, and no input
//! panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dojo_engine::editor::{complete, hover, signature_help, tabulated_signatures};
use dojo_engine::program::{self, Outcome, RunOptions};
use dojo_protocol::{CompletionItem, SymbolKind};

/// The imports every walk starts from.
const HEADER: &str = "import tensorflow as tf
import numpy as np
import os
import csv
import json
import math
import random
import zipfile
import urllib.request
import matplotlib
import matplotlib.pyplot as plt
import tensorflow_datasets as tfds
import keras
import IPython.display
";

/// Runs `source` as a program; the report of its failure, if it fails.
fn run(source: &str) -> Result<(), String> {
    let options = RunOptions::default();
    let mut interpreter = program::interpreter(None, &options, |_| {});
    let report = program::run(&mut interpreter, "walk.py", source, None);
    match report.outcome {
        Outcome::Finished { .. } => Ok(()),
        Outcome::Failed(error) => Err(error.report),
        Outcome::Invalid(errors) => Err(errors
            .into_iter()
            .map(|error| error.report)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// What `complete` offers with the cursor at the end of `code`.
fn complete_at_end(code: &str) -> Vec<CompletionItem> {
    let line = code.split('\n').count() as u32;
    let last = code.rsplit('\n').next().unwrap_or_default();
    complete(code, line, last.encode_utf16().count() as u32 + 1)
}

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|item| item.label.as_str()).collect()
}

/// The position just past the `|` in `marked` (which is removed).
fn at_marker(marked: &str) -> (String, u32, u32) {
    let offset = marked.find('|').expect("a | marks the cursor");
    let code = marked.replacen('|', "", 1);
    let before = &marked[..offset];
    let line = before.split('\n').count() as u32;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .encode_utf16()
        .count() as u32
        + 1;
    (code, line, column)
}

/// Every name offered after `base.` for the main modules, and for every
/// module reached from them, resolves in the real interpreter: a program
/// `_ = base.name` for each of them runs without an error.
#[test]
fn every_offered_member_resolves_in_the_interpreter() {
    let roots = [
        "tf",
        "tf.keras",
        "tf.keras.layers",
        "tf.keras.optimizers",
        "tf.keras.losses",
        "tf.keras.callbacks",
        "tf.keras.preprocessing",
        "tf.keras.preprocessing.image",
        "tf.keras.preprocessing.text",
        "tf.keras.preprocessing.sequence",
        "tf.data",
        "tf.data.Dataset",
        "np",
        "np.random",
        "os",
        "os.path",
        "csv",
        "json",
        "math",
        "random",
        "zipfile",
        "urllib.request",
        "matplotlib",
        "plt",
        "tfds",
        "keras",
        "IPython.display",
    ];
    let mut queue: Vec<String> = roots.iter().map(|root| (*root).to_owned()).collect();
    let mut walked: Vec<String> = Vec::new();
    let mut offered: std::collections::HashMap<String, Vec<String>> = Default::default();
    while let Some(base) = queue.pop() {
        if walked.contains(&base) || base.split('.').count() > 6 {
            continue;
        }
        walked.push(base.clone());
        let items = complete_at_end(&format!("{HEADER}x = {base}."));
        let mut program = HEADER.to_owned();
        for item in &items {
            program.push_str(&format!("_ = {base}.{}\n", item.label));
            if item.kind == SymbolKind::Module {
                queue.push(format!("{base}.{}", item.label));
            }
        }
        if let Err(report) = run(&program) {
            panic!("a name offered after `{base}.` does not resolve:\n{report}");
        }
        offered.insert(base, items.into_iter().map(|item| item.label).collect());
    }
    let members = |base: &str| offered.get(base).cloned().unwrap_or_default();
    let expect = |base: &str, names: &[&str]| {
        let found = members(base);
        for name in names {
            assert!(
                found.iter().any(|offered| offered == name),
                "`{base}.{name}` is not offered; offered: {found:?}"
            );
        }
    };
    expect(
        "tf",
        &["keras", "data", "constant", "expand_dims", "random"],
    );
    expect(
        "tf.keras",
        &["layers", "Sequential", "Model", "Input", "optimizers"],
    );
    expect(
        "tf.keras.layers",
        &[
            "Dense",
            "Conv2D",
            "LSTM",
            "Embedding",
            "Flatten",
            "Dropout",
            "Bidirectional",
        ],
    );
    expect(
        "tf.keras.optimizers",
        &["Adam", "SGD", "RMSprop", "schedules"],
    );
    expect("tf.keras.losses", &["MeanSquaredError", "Huber"]);
    expect(
        "tf.keras.callbacks",
        &["EarlyStopping", "ModelCheckpoint", "Callback"],
    );
    expect("tf.keras.preprocessing", &["image", "text", "sequence"]);
    expect("tf.keras.preprocessing.text", &["Tokenizer"]);
    expect("tf.keras.preprocessing.sequence", &["pad_sequences"]);
    expect("tf.keras.preprocessing.image", &["ImageDataGenerator"]);
    expect("tf.data", &["Dataset", "AUTOTUNE"]);
    expect(
        "tf.data.Dataset",
        &[
            "from_tensor_slices",
            "window",
            "batch",
            "map",
            "shuffle",
            "flat_map",
        ],
    );
    expect(
        "np",
        &["array", "expand_dims", "zeros", "random", "float32"],
    );
    expect("np.random", &["seed", "rand", "shuffle"]);
    expect("os", &["path", "listdir"]);
    expect("os.path", &["join", "exists"]);
    expect("csv", &["reader"]);
    expect("json", &["loads"]);
    expect("math", &["sqrt", "pi"]);
    expect("plt", &["plot", "show", "figure", "title"]);
    expect("tfds", &["load"]);
    // Aliases are accepted but not offered; stand-ins are not offered.
    assert!(!members("tf.keras.layers").contains(&"MaxPool2D".to_owned()));
    assert!(members("plt").len() < 60, "{:?}", members("plt"));
    assert!(members("tf.keras.layers").len() >= 30);
}

/// Every module offered after `import` imports.
#[test]
fn every_offered_module_imports() {
    let mut queue = vec![String::new()];
    let mut count = 0;
    while let Some(base) = queue.pop() {
        let items = complete_at_end(&format!("import {base}"));
        for item in items {
            let module = format!("{base}{}", item.label);
            run(&format!("import {module}\n")).unwrap_or_else(|report| panic!("{report}"));
            count += 1;
            queue.push(format!("{module}."));
        }
    }
    assert!(count > 20, "{count}");
    let top = complete_at_end("import ");
    for name in [
        "tensorflow",
        "numpy",
        "os",
        "matplotlib",
        "keras",
        "tensorflow_datasets",
    ] {
        assert!(labels(&top).contains(&name), "{:?}", labels(&top));
    }
    assert!(labels(&complete_at_end("import tensorflow.ke")).contains(&"keras"));
    assert!(labels(&complete_at_end("from tensorflow.keras.l")).contains(&"layers"));
    let names = complete_at_end("from tensorflow.keras.layers import Dense, Fl");
    assert!(labels(&names).contains(&"Flatten"), "{:?}", labels(&names));
    assert!(complete_at_end("import numpy as n").is_empty());
}

/// A Keras signature as `inspect.signature` prints it, as `(name,
/// default)` pairs without `self` and `**kwargs`.
fn keras_params(printed: &str) -> Vec<(String, Option<String>)> {
    let inner = printed
        .trim()
        .strip_prefix('(')
        .and_then(|text| text.strip_suffix(')'))
        .unwrap();
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for character in inner.chars() {
        match character {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(character);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|part| part.trim().to_owned())
        .filter(|part| part != "self" && !part.starts_with('*'))
        .map(|part| match part.split_once('=') {
            Some((name, default)) => (name.to_owned(), Some(default.to_owned())),
            None => (part, None),
        })
        .collect()
}

/// Dojo's signatures are Keras's, restricted to what Dojo accepts: the
/// same names in the same order with the same defaults, every required
/// parameter present. The Keras side is TF 2.21 / Keras 3's
/// `inspect.signature(cls.__init__)`, printed by
/// `/root/tfvenv/bin/python -c "import inspect, keras; print(inspect.signature(keras.layers.Dense.__init__))"`
/// and likewise for the others.
#[test]
fn signatures_match_keras() {
    let keras = [
        (
            "tf.keras.layers.Dense",
            "(self, units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs)",
        ),
        (
            "tf.keras.layers.Conv2D",
            "(self, filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs)",
        ),
        (
            "tf.keras.layers.Embedding",
            "(self, input_dim, output_dim, embeddings_initializer='uniform', embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs)",
        ),
        (
            "tf.keras.layers.LSTM",
            "(self, units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros', unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False, use_cudnn='auto', **kwargs)",
        ),
        (
            "tf.keras.optimizers.Adam",
            "(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs)",
        ),
        (
            "tf.keras.callbacks.EarlyStopping",
            "(self, monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto', baseline=None, restore_best_weights=False, start_from_epoch=0)",
        ),
    ];
    for (name, printed) in keras {
        let expected = keras_params(printed);
        let (code, line, column) = at_marker(&format!("import tensorflow as tf\nx = {name}(|"));
        let help = signature_help(&code, line, column).unwrap_or_else(|| panic!("{name}"));
        let ours: Vec<(String, Option<String>)> = help
            .parameters
            .iter()
            .map(|parameter| (parameter.name.clone(), parameter.default.clone()))
            .collect();
        // Ours is an ordered subsequence of Keras's, with its defaults.
        let mut keras_iter = expected.iter();
        for parameter in &ours {
            assert!(
                keras_iter.any(|keras| keras == parameter),
                "{name}: {parameter:?} is not Keras's (in order): {expected:?}"
            );
        }
        for required in expected.iter().filter(|(_, default)| default.is_none()) {
            assert!(ours.contains(required), "{name}: {required:?} missing");
        }
        assert!(ours.len() * 2 >= expected.len(), "{name}: {ours:?}");
    }
    // The main names of each group.
    let (code, line, column) = at_marker("import tensorflow as tf\ntf.keras.layers.Dense(|");
    let help = signature_help(&code, line, column).unwrap();
    assert_eq!(
        help.label,
        "Dense(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', \
         bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, \
         activity_regularizer=None, kernel_constraint=None, bias_constraint=None)"
    );
    assert_eq!(
        help.documentation.as_deref(),
        Some("Just your regular densely-connected NN layer.")
    );
    assert_eq!(help.parameters[1].label, "activation=None");
}

/// Every tabulated parameter with a default is a keyword Dojo's
/// implementation accepts (the Keras tables check theirs in dojo-keras).
#[test]
fn tabulated_keywords_are_accepted() {
    let receiver = |path: &str| -> String {
        match path.strip_prefix("tf.data.Dataset.") {
            Some(method)
                if !["from_tensor_slices", "from_tensors", "range", "zip"].contains(&method) =>
            {
                format!("tf.data.Dataset.range(4).{method}")
            }
            _ => path.to_owned(),
        }
    };
    for (path, signature) in tabulated_signatures() {
        for param in signature
            .params
            .iter()
            .filter(|param| param.default.is_some())
        {
            let default = param.default.unwrap();
            let program = format!("{HEADER}{}({}={default})\n", receiver(&path), param.name);
            if let Err(report) = run(&program) {
                assert!(
                    !report.contains("unexpected keyword"),
                    "{path}: `{}` is not accepted:\n{report}",
                    param.name
                );
            }
        }
    }
}

#[test]
fn imports_and_aliases_resolve() {
    let cases: &[(&str, &[&str])] = &[
        (
            "import tensorflow as tf\ntf.keras.layers.",
            &["Dense", "Conv2D"],
        ),
        ("from tensorflow import keras\nkeras.layers.", &["Dense"]),
        ("from tensorflow.keras import layers\nlayers.", &["LSTM"]),
        ("from tensorflow.keras import layers as L\nL.", &["LSTM"]),
        ("import tensorflow.keras as K\nK.optimizers.", &["Adam"]),
        ("import keras\nkeras.callbacks.", &["EarlyStopping"]),
        ("import numpy as np\nnp.", &["array", "expand_dims"]),
        ("import numpy\nnumpy.random.", &["seed"]),
        ("import matplotlib.pyplot as plt\nplt.", &["plot"]),
        ("import os\nos.path.", &["join"]),
        ("import os.path\nos.path.", &["join"]),
        ("from os import path\npath.", &["join"]),
        (
            "import tensorflow as tf\nds = tf.data.Dataset.",
            &["from_tensor_slices", "window", "batch"],
        ),
        (
            "import tensorflow as tf\ndef f():\n    model = tf.keras.Sequential([\n        tf.keras.layers.",
            &["Dense"],
        ),
        // The code below the cursor is broken too.
        (
            "import tensorflow as tf\ntf.keras.layers.\nx = (",
            &["Dense"],
        ),
    ];
    for (code, wanted) in cases {
        let (code, line, column) = match code.find("layers.\nx") {
            Some(offset) => {
                let marked = format!("{}|{}", &code[..offset + 7], &code[offset + 7..]);
                at_marker(&marked)
            }
            None => at_marker(&format!("{code}|")),
        };
        let items = complete(&code, line, column);
        for name in *wanted {
            assert!(
                labels(&items).contains(name),
                "{code:?}: no {name} in {:?}",
                labels(&items)
            );
        }
    }
    // A partial name after the dot: every member, the editor filters.
    let (code, line, column) = at_marker(
        "from tensorflow.keras.layers import Dense, Flatten as F\nimport tensorflow as tf\ntf.keras.layers.De|",
    );
    let items = complete(&code, line, column);
    let dense = items.iter().find(|item| item.label == "Dense").unwrap();
    assert_eq!(dense.kind, SymbolKind::Class);
    assert!(
        dense
            .detail
            .as_deref()
            .unwrap()
            .starts_with("Dense(units, activation=None")
    );
    assert!(labels(&items).contains(&"Conv2D"));
    // Not imported, or not a module Dojo has: nothing to offer.
    assert!(complete_at_end("tf.keras.").is_empty());
    assert!(complete_at_end("import pandas as pd\npd.").is_empty());
    assert!(complete_at_end("import tensorflow as tf\ntf.nosuch.").is_empty());
    // After a call or in a string or comment: nothing.
    assert!(complete_at_end("import numpy as np\nnp.array([1]).").is_empty());
    assert!(complete_at_end("import numpy as np\nx = 'np.").is_empty());
    assert!(complete_at_end("import numpy as np\n# np.").is_empty());
}

#[test]
fn plain_names_are_the_files_builtins_and_keywords() {
    let code = "import numpy as np
from tensorflow.keras.layers import Dense, Flatten as F
import pandas as pd
LIMIT = 3
a, (b, c) = 1, (2, 3)
def solution_model(train_images, epochs=5, *args, **kwargs):
    scale = 255.0
    for index, value in enumerate([1]):
        pass
    with open('x') as handle:
        pass
    |
def other():
    hidden = 1
class Callback:
    inside = 2
";
    let (code, line, column) = at_marker(code);
    let items = complete(&code, line, column);
    let found = labels(&items);
    for name in [
        "np",
        "Dense",
        "F",
        "LIMIT",
        "a",
        "b",
        "c",
        "solution_model",
        "train_images",
        "epochs",
        "args",
        "kwargs",
        "scale",
        "index",
        "value",
        "handle",
        "other",
        "Callback",
        "print",
        "len",
        "range",
        "ValueError",
        "def",
        "return",
        "lambda",
    ] {
        assert!(found.contains(&name), "no {name} in {found:?}");
    }
    // `pd` is bound (Dojo imports a stand-in that fails where used), so it is offered.
    for name in ["hidden", "inside", "eval", "exec", "Flatten", "yield"] {
        assert!(!found.contains(&name), "{name} offered: {found:?}");
    }
    let model = items
        .iter()
        .find(|item| item.label == "solution_model")
        .unwrap();
    assert_eq!(model.kind, SymbolKind::Function);
    assert_eq!(
        model.detail.as_deref(),
        Some("def solution_model(train_images, epochs=5, *args, **kwargs)")
    );
    let np = items.iter().find(|item| item.label == "np").unwrap();
    assert_eq!(np.kind, SymbolKind::Module);
    assert_eq!(np.detail.as_deref(), Some("module numpy"));
    // Outside the function its names are not visible.
    let (code, line, column) = at_marker("def f(x):\n    y = 1\n|");
    let found: Vec<String> = complete(&code, line, column)
        .into_iter()
        .map(|item| item.label)
        .collect();
    assert!(found.contains(&"f".to_owned()));
    assert!(!found.contains(&"x".to_owned()) && !found.contains(&"y".to_owned()));
}

#[test]
fn signature_help_follows_the_argument_being_written() {
    let check = |marked: &str, label_start: &str, active: u32| {
        let (code, line, column) = at_marker(marked);
        let help = signature_help(&code, line, column).unwrap_or_else(|| panic!("{marked}"));
        assert!(
            help.label.starts_with(label_start),
            "{marked}: {}",
            help.label
        );
        assert_eq!(help.active_parameter, active, "{marked}: {help:?}");
    };
    let tf = "import tensorflow as tf\n";
    check(&format!("{tf}tf.keras.layers.Dense(|"), "Dense(units", 0);
    check(
        &format!("{tf}tf.keras.layers.Dense(64, |"),
        "Dense(units",
        1,
    );
    check(
        &format!("{tf}tf.keras.layers.Dense(64, activation=|"),
        "Dense(",
        1,
    );
    check(
        &format!("{tf}tf.keras.layers.Dense(64, use_bias=Fa|"),
        "Dense(",
        2,
    );
    check(
        &format!("{tf}tf.keras.layers.Conv2D(32, (3, 3), activation='relu', |"),
        "Conv2D(filters, kernel_size, strides=(1, 1), padding='valid'",
        2,
    );
    // Nested calls and brackets: the innermost call.
    check(
        &format!(
            "{tf}model = tf.keras.Sequential([\n    tf.keras.layers.Dense(10, activation=tf.nn.relu),\n    tf.keras.layers.Conv2D(16, |"
        ),
        "Conv2D(",
        1,
    );
    check(
        &format!("{tf}tf.keras.Sequential([tf.keras.layers.Dense(1)], |"),
        "Sequential(layers=None",
        1,
    );
    check(
        "from tensorflow.keras.optimizers import Adam\nopt = Adam(learning_rate=0.01, beta_1=|",
        "Adam(learning_rate=0.001",
        1,
    );
    check(
        "from tensorflow.keras.callbacks import EarlyStopping as ES\nES(monitor='val_loss', |",
        "EarlyStopping(monitor='val_loss'",
        1,
    );
    check(
        "import numpy as np\nnp.zeros((2, 3), |",
        "zeros(shape, dtype=None)",
        1,
    );
    check("import numpy as np\nnp.random.seed(|", "seed(seed=None)", 0);
    // A comma inside a string or a nested bracket does not count.
    check(
        &format!("{tf}tf.keras.layers.Dense(units=(1, 2), name='a,b', |"),
        "Dense(",
        1,
    );
    // A function of the file.
    check("def f(a, b=2):\n    pass\nf(1, |", "f(a, b=2)", 1);
    let (code, line, column) = at_marker("import tensorflow as tf\nprint(|");
    assert!(signature_help(&code, line, column).is_none());
    let (code, line, column) = at_marker("import tensorflow as tf\ntf.keras.layers.Dense(1)|");
    assert!(signature_help(&code, line, column).is_none());
}

#[test]
fn hover_shows_the_signature_and_description() {
    let (code, line, column) = at_marker("import tensorflow as tf\nx = tf.keras.layers.De|nse(64)");
    let info = hover(&code, line, column).unwrap();
    assert!(
        info.signature.starts_with("Dense(units, activation=None"),
        "{info:?}"
    );
    assert_eq!(
        info.documentation.as_deref(),
        Some("Just your regular densely-connected NN layer.")
    );
    let (code, line, column) = at_marker("import tensorflow as tf\nx = t|f.keras");
    assert_eq!(
        hover(&code, line, column).unwrap().signature,
        "module tensorflow"
    );
    let (code, line, column) = at_marker("import tensorflow as tf\nx = tf.ker|as.layers");
    assert_eq!(
        hover(&code, line, column).unwrap().signature,
        "module tensorflow.keras"
    );
    let (code, line, column) = at_marker(
        "from tensorflow.keras.callbacks import EarlyStopping\nEarly|Stopping(patience=3)",
    );
    let info = hover(&code, line, column).unwrap();
    assert!(
        info.signature
            .starts_with("EarlyStopping(monitor='val_loss', min_delta=0, patience=0")
    );
    let (code, line, column) = at_marker("import numpy as np\nnp.expand|_dims(x, 0)");
    let info = hover(&code, line, column).unwrap();
    assert_eq!(info.signature, "expand_dims(a, axis)");
    let (code, line, column) = at_marker("le|n([1])");
    assert_eq!(hover(&code, line, column).unwrap().signature, "len(...)");
    let (code, line, column) = at_marker("x = 1\nx|");
    assert!(hover(&code, line, column).is_none());
}

/// Odd positions and texts return nothing or something, never a panic.
#[test]
fn odd_inputs_never_panic() {
    let codes = [
        "",
        "\n\n\n",
        "é = 1\né.",
        "import tensorflow as tf\ntf.😀.",
        "x = '😀😀' + tf.",
        "((((((((((",
        "))))]]]}}}",
        "'''\nunterminated",
        "\"\\",
        "from . import x\nx.",
        "from import\nimport\nimport as\nfrom x import (\n",
        "import tensorflow as tf\ntf.keras.layers.Dense(,,,,=,=,",
        "\r\n\r\nimport numpy as np\r\nnp.",
        "def (:\n  class :\n    for in :\n",
        "a.b.c.d.e.f.g.h.",
        "1.",
        "import numpy as np\nnp.array.",
        "import tensorflow as tf\ntf.keras.applications.",
        "import matplotlib.pyplot as plt\nplt.anything.",
    ];
    for code in codes {
        let lines = code.split('\n').count() as u32;
        for line in 0..=lines + 1 {
            for column in [0, 1, 2, 3, 5, 8, 13, 40, 1000, u32::MAX] {
                let _ = complete(code, line, column);
                let _ = signature_help(code, line, column);
                let _ = hover(code, line, column);
            }
        }
    }
    assert!(complete("import numpy as np\nnp.", 0, 1).is_empty());
    assert!(complete("import numpy as np\nnp.", 9, 1).is_empty());
    // A column past the end of the line is its end.
    let items = complete("import numpy as np\nnp.", 2, 99);
    assert!(labels(&items).contains(&"array"));
    // Columns count UTF-16 units: `😀` is two.
    let code = "import numpy as np\ns = '😀'; np.";
    let column = "s = '😀'; np.".encode_utf16().count() as u32 + 1;
    assert!(labels(&complete(code, 2, column)).contains(&"array"));
}

#[test]
fn a_model_the_file_makes_offers_its_members_and_each_runs() {
    let code = "import tensorflow as tf\n\ndef solution_model():\n    model = tf.keras.Sequential([\n        tf.keras.layers.Dense(1, input_shape=[1]),\n    ])\n    model.";
    let offered = complete_at_end(code);
    let names = labels(&offered);
    for expected in ["compile", "fit", "evaluate", "predict", "summary", "layers"] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    // Every offered member exists on a real model in the interpreter.
    let mut program = String::from(
        "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])\nmodel.compile(optimizer='sgd', loss='mse')\n",
    );
    for name in &names {
        program.push_str(&format!("_ = model.{name}\n"));
    }
    run(&program).unwrap_or_else(|report| panic!("{report}"));

    // Other spellings of a model, and what is not one.
    let functional = complete_at_end(
        "from tensorflow.keras import Model, Input\nimport tensorflow as tf\nnet = Model(inputs, outputs)\nnet.",
    );
    assert!(labels(&functional).contains(&"fit"));
    assert!(complete_at_end("import tensorflow as tf\nmodel = make()\nmodel.").is_empty());
    assert!(complete_at_end("model = 3\nmodel.").is_empty());

    // `model.fit(` shows fit's signature, Keras's order and defaults.
    let (code, line, column) = at_marker(
        "import tensorflow as tf\nmodel = tf.keras.models.Sequential()\nmodel.fit(x, y, epochs=|",
    );
    let help = signature_help(&code, line, column).expect("fit's signature");
    assert!(
        help.label
            .starts_with("fit(x=None, y=None, batch_size=None, epochs=1, verbose='auto'"),
        "{}",
        help.label
    );
    assert_eq!(
        help.parameters[help.active_parameter as usize].name,
        "epochs"
    );
    let (code, line, column) =
        at_marker("import tensorflow as tf\nmodel = tf.keras.Sequential()\nmodel.comp|ile");
    let info = hover(&code, line, column).expect("compile's hover");
    assert!(
        info.signature.starts_with("compile(optimizer='rmsprop'"),
        "{}",
        info.signature
    );
}
