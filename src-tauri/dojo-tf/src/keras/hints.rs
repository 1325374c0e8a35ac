//! Advice for Keras errors: what the user most likely did wrong, as an
//! exception's `help:` line.
//!
//! Invariant: the message stays what Keras-like code reports; suggestions
//! (`did you mean`, the available names, a likely fix) move to the help.
//! Advice is read from the fields of `KerasError`'s structured variants,
//! never from message text, so rewording a message cannot lose its help.

use dojo_keras::KerasError;

/// An error that carries its own suggestion (an unexpected keyword with the
/// parameter meant, a name that is not available with the names that are),
/// as the message without the suggestion and the suggestion as help.
pub fn split_suggestion(error: &KerasError) -> Option<(String, String)> {
    match error {
        KerasError::UnexpectedKeyword {
            function,
            keyword,
            suggestion: Some(parameter),
        } => Some((
            format!("{function}() got an unexpected keyword argument '{keyword}'"),
            format!("did you mean '{parameter}'?"),
        )),
        KerasError::NotAvailable {
            module,
            name,
            suggestion,
            available,
        } => {
            let closest = suggestion
                .as_ref()
                .map(|closest| format!("did you mean `{module}.{closest}`? "))
                .unwrap_or_default();
            Some((
                format!("`{module}.{name}` is not available in Dojo"),
                format!("{closest}available {module}: {}", available.join(", ")),
            ))
        }
        _ => None,
    }
}

/// A likely fix for a shape error.
pub fn shape_help(error: &KerasError) -> Option<String> {
    match error {
        KerasError::TargetShape { target, output } => target_help(target, output),
        KerasError::InputRank {
            expected: 4,
            received,
            ..
        } if received.len() == 3 => Some(
            "2-D convolution and pooling layers take images with a channel axis: give \
             input_shape=(height, width, 1) for greyscale images and reshape the data to \
             match, e.g. x.reshape(-1, 28, 28, 1)"
                .to_owned(),
        ),
        KerasError::InputShape { .. } => Some(
            "the first layer's input_shape must match the shape of one example of the data \
             you pass (x.shape[1:])"
                .to_owned(),
        ),
        KerasError::LayerCall { source, .. } => shape_help(source),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn not_available(suggestion: Option<&str>) -> KerasError {
        KerasError::NotAvailable {
            module: "losses".to_owned(),
            name: "msee".to_owned(),
            suggestion: suggestion.map(str::to_owned),
            available: vec!["mse".to_owned(), "mae".to_owned()],
        }
    }

    fn unexpected_keyword(suggestion: Option<&str>) -> KerasError {
        KerasError::UnexpectedKeyword {
            function: "Dense".to_owned(),
            keyword: "unit".to_owned(),
            suggestion: suggestion.map(str::to_owned),
        }
    }

    fn target_shape(target: &[usize], output: &[usize]) -> KerasError {
        KerasError::TargetShape {
            target: target.to_vec(),
            output: output.to_vec(),
        }
    }

    fn input_rank(expected: usize, received: &[Option<usize>]) -> KerasError {
        KerasError::InputRank {
            layer: "Conv2D".to_owned(),
            expected,
            received: received.to_vec(),
        }
    }

    fn help(error: &KerasError) -> String {
        shape_help(error).unwrap_or_default()
    }

    #[test]
    fn suggestions_move_to_the_help() {
        let error = not_available(Some("mse"));
        assert_eq!(
            error.to_string(),
            "`losses.msee` is not available in Dojo; Did you mean `losses.mse`? available losses: mse, mae"
        );
        assert_eq!(
            split_suggestion(&error),
            Some((
                "`losses.msee` is not available in Dojo".to_owned(),
                "did you mean `losses.mse`? available losses: mse, mae".to_owned()
            ))
        );
        let error = not_available(None);
        assert_eq!(
            error.to_string(),
            "`losses.msee` is not available in Dojo; available losses: mse, mae"
        );
        assert_eq!(
            split_suggestion(&error),
            Some((
                "`losses.msee` is not available in Dojo".to_owned(),
                "available losses: mse, mae".to_owned()
            ))
        );
        let error = unexpected_keyword(Some("units"));
        assert_eq!(
            error.to_string(),
            "Dense() got an unexpected keyword argument 'unit'; did you mean 'units'?"
        );
        assert_eq!(
            split_suggestion(&error),
            Some((
                "Dense() got an unexpected keyword argument 'unit'".to_owned(),
                "did you mean 'units'?".to_owned()
            ))
        );
    }

    #[test]
    fn errors_without_a_suggestion_keep_their_message() {
        let error = unexpected_keyword(None);
        assert_eq!(
            error.to_string(),
            "Dense() got an unexpected keyword argument 'unit'"
        );
        assert_eq!(split_suggestion(&error), None);
        // A string error is never split, whatever its text says.
        let error = KerasError::Argument("a; did you mean b".to_owned());
        assert_eq!(split_suggestion(&error), None);
    }

    #[test]
    fn target_shape_errors_suggest_the_usual_fix() {
        let error = target_shape(&[32], &[32, 28, 10]);
        assert_eq!(
            error.to_string(),
            "the targets have shape [32] but the model's output has shape [32, 28, 10]"
        );
        assert!(help(&error).contains("Flatten()"));
        assert!(help(&error).contains("keeps 2 axes per example"));
        assert!(help(&target_shape(&[32], &[32, 10])).contains("sparse_categorical_crossentropy"));
        assert!(help(&target_shape(&[32], &[32, 10])).contains("one-hot rows of 10"));
        assert!(
            help(&target_shape(&[8, 3], &[8, 1]))
                .contains("3 columns but the last layer has 1 units")
        );
        assert_eq!(shape_help(&target_shape(&[8], &[8, 1])), None);
    }

    #[test]
    fn images_without_a_channel_axis_suggest_a_reshape() {
        let error = input_rank(4, &[None, Some(28), Some(28)]);
        assert_eq!(
            error.to_string(),
            "Input 0 of layer \"Conv2D\" is incompatible with the layer: expected ndim=4, found ndim=3. Full shape received: (None, 28, 28)"
        );
        assert!(help(&error).contains("reshape"));
        // Named by the layer that raised it, as `compute_output_shape` does.
        let called = KerasError::LayerCall {
            class_name: "Conv2D".to_owned(),
            layer: "conv2d".to_owned(),
            source: Box::new(input_rank(4, &[Some(28), Some(28), Some(1)])),
        };
        assert!(called.to_string().starts_with(
            "Exception encountered when calling Conv2D.call(): layer 'conv2d': Input 0 of layer \"Conv2D\""
        ));
        assert!(help(&called).contains("x.reshape(-1, 28, 28, 1)"));
        // Other ranks are not the missing channel axis.
        assert_eq!(shape_help(&input_rank(4, &[None, Some(784)])), None);
        assert_eq!(shape_help(&input_rank(3, &[None, Some(28)])), None);
    }

    #[test]
    fn data_that_misses_the_input_shape_points_at_input_shape() {
        let error = KerasError::InputShape {
            model: "sequential".to_owned(),
            expected: vec![None, Some(784)],
            found: vec![32, 28, 28],
        };
        assert_eq!(
            error.to_string(),
            "Input 0 of layer \"sequential\" is incompatible with the layer: expected shape=(None, 784), found shape=[32, 28, 28]"
        );
        assert!(help(&error).contains("x.shape[1:]"));
        assert_eq!(
            shape_help(&KerasError::Shape("expected shape=".into())),
            None
        );
    }
}
