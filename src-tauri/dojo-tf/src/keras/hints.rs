//! Advice for Keras errors: what the user most likely did wrong, as an
//! exception's `help:` line.
//!
//! Invariant: the message stays what Keras-like code reports; suggestions
//! (`did you mean`, the available names, a likely fix) move to the help.

/// Splits a message carrying its own suggestion (`…; did you mean 'x'?`,
/// `… is not available in Dojo; available …`) into message and help.
pub fn split_suggestion(message: &str) -> (String, Option<String>) {
    let Some((head, tail)) = message.split_once("; ") else {
        return (message.to_owned(), None);
    };
    let tail = tail.trim();
    let lowered = tail.to_lowercase();
    if lowered.starts_with("did you mean") || lowered.starts_with("available") {
        let mut help = tail.to_owned();
        help[..1].make_ascii_lowercase();
        (head.to_owned(), Some(help))
    } else {
        (message.to_owned(), None)
    }
}

/// A likely fix for a shape error, recognised from its message.
pub fn shape_help(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("the targets have shape ") {
        let (targets, output) = rest.split_once(" but the model's output has shape ")?;
        let targets = dims(targets)?;
        let output = dims(output)?;
        return target_help(&targets, &output);
    }
    if message.contains("expected ndim=4, found ndim=3") {
        return Some(
            "2-D convolution and pooling layers take images with a channel axis: give \
             input_shape=(height, width, 1) for greyscale images and reshape the data to \
             match, e.g. x.reshape(-1, 28, 28, 1)"
                .to_owned(),
        );
    }
    if message.contains("is incompatible with the layer: expected shape=") {
        return Some(
            "the first layer's input_shape must match the shape of one example of the data \
             you pass (x.shape[1:])"
                .to_owned(),
        );
    }
    None
}

fn target_help(targets: &[usize], output: &[usize]) -> Option<String> {
    if output.len() > 2 {
        return Some(format!(
            "the model's output keeps {} axes per example; add tf.keras.layers.Flatten() \
             before the Dense layers so each example becomes one vector",
            output.len() - 1
        ));
    }
    match (targets, output) {
        ([_], [_, classes]) if *classes > 1 => Some(format!(
            "the labels are class numbers, one per example, but the loss expects one-hot \
             rows of {classes}: use loss='sparse_categorical_crossentropy', or one-hot encode \
             the labels with tf.keras.utils.to_categorical"
        )),
        ([_, columns], [_, units]) if columns != units => Some(format!(
            "the labels have {columns} columns but the last layer has {units} units; make \
             them equal"
        )),
        _ => None,
    }
}

/// `[32, 28, 10]` as numbers.
fn dims(text: &str) -> Option<Vec<usize>> {
    text.trim()
        .strip_prefix('[')?
        .strip_suffix(']')?
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_move_to_the_help() {
        let (message, help) = split_suggestion(
            "`losses.msee` is not available in Dojo; Did you mean `losses.mse`? available losses: mse, mae",
        );
        assert_eq!(message, "`losses.msee` is not available in Dojo");
        assert_eq!(
            help.as_deref(),
            Some("did you mean `losses.mse`? available losses: mse, mae")
        );
        let (message, help) = split_suggestion(
            "Dense() got an unexpected keyword argument 'unit'; did you mean 'units'?",
        );
        assert_eq!(message, "Dense() got an unexpected keyword argument 'unit'");
        assert_eq!(help.as_deref(), Some("did you mean 'units'?"));
        let (message, help) = split_suggestion("a; b");
        assert_eq!((message.as_str(), help), ("a; b", None));
    }

    #[test]
    fn target_shape_errors_suggest_the_usual_fix() {
        let help = |message: &str| shape_help(message).unwrap_or_default();
        assert!(
            help("the targets have shape [32] but the model's output has shape [32, 28, 10]")
                .contains("Flatten()")
        );
        assert!(
            help("the targets have shape [32] but the model's output has shape [32, 10]")
                .contains("sparse_categorical_crossentropy")
        );
        assert!(
            help("the targets have shape [8, 3] but the model's output has shape [8, 1]")
                .contains("3 columns but the last layer has 1 units")
        );
        assert_eq!(
            shape_help("the targets have shape [8] but the model's output has shape [8, 1]"),
            None
        );
        assert!(help("layer 'conv2d': expected ndim=4, found ndim=3.").contains("reshape"));
    }
}
