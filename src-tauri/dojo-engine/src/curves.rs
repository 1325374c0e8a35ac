//! Advice read from training curves: the per-epoch Keras logs of a run.
//!
//! The rules are deliberately simple and conservative: each looks at one
//! pattern a practising candidate should recognise (overfitting, divergence,
//! a learning rate too high or too low, a plateau, a learning-rate sweep)
//! and says what to try. No hint is given from fewer epochs than its rule
//! needs, so a short run stays quiet rather than guessing.

use dojo_protocol::{Hint, HintKind, Logs};

/// Hints for a run whose epochs logged `epochs`, in order.
pub fn curve_hints(epochs: &[Logs]) -> Vec<Hint> {
    let mut hints = Vec::new();
    let loss = series(epochs, "loss");
    if let Some(hint) = sweep(epochs, &loss) {
        // A sweep's loss is meant to blow up at the end: nothing else applies.
        return vec![hint];
    }
    if let Some(hint) = divergence(&loss) {
        hints.push(hint);
    } else if let Some(hint) = oscillation(&loss) {
        hints.push(hint);
    } else if let Some(hint) = too_slow(&loss) {
        hints.push(hint);
    }
    if let Some(hint) = overfitting(epochs) {
        hints.push(hint);
    } else if let Some(hint) = plateau(epochs) {
        hints.push(hint);
    }
    hints
}

fn series(epochs: &[Logs], key: &str) -> Vec<f64> {
    epochs
        .iter()
        .map_while(|logs| logs.get(key).copied())
        .collect()
}

fn hint(kind: HintKind, message: String) -> Hint {
    Hint { kind, message }
}

/// The loss became NaN or infinite, or ended far above where it started.
fn divergence(loss: &[f64]) -> Option<Hint> {
    if let Some(epoch) = loss.iter().position(|value| !value.is_finite()) {
        return Some(hint(
            HintKind::Divergence,
            format!(
                "the loss became {} in epoch {}: training diverged. Lower the learning rate \
                 (e.g. by 10x), check the inputs for NaN, and scale the inputs to small values.",
                loss[epoch],
                epoch + 1
            ),
        ));
    }
    let (first, last) = (*loss.first()?, *loss.last()?);
    (loss.len() >= 3 && last > 1.5 * first && last > first + 1e-6).then(|| {
        hint(
            HintKind::Divergence,
            format!(
                "the loss grew from {first:.4} to {last:.4}: training is diverging. Lower the \
                 learning rate (e.g. by 10x)."
            ),
        )
    })
}

/// The loss went up in many epochs and ends well above its best.
fn oscillation(loss: &[f64]) -> Option<Hint> {
    if loss.len() < 5 {
        return None;
    }
    let rises = loss.windows(2).filter(|pair| pair[1] > pair[0]).count();
    let best = loss.iter().copied().fold(f64::INFINITY, f64::min);
    let last = *loss.last()?;
    (rises * 5 >= (loss.len() - 1) * 2 && last > best * 1.2).then(|| {
        hint(
            HintKind::LearningRateTooHigh,
            format!(
                "the training loss rose in {rises} of {} epochs and ends at {last:.4}, above its \
                 best {best:.4}: the learning rate looks too high. Try a smaller one.",
                loss.len() - 1
            ),
        )
    })
}

/// The loss barely moved over several epochs from the start.
fn too_slow(loss: &[f64]) -> Option<Hint> {
    if loss.len() < 5 {
        return None;
    }
    let (first, last) = (loss[0], *loss.last()?);
    (first > 0.0 && (first - last) / first < 0.02).then(|| {
        hint(
            HintKind::LearningRateTooLow,
            format!(
                "the training loss moved from {first:.4} to {last:.4} in {} epochs (under 2%): \
                 the learning rate may be too low, or the model too small for the data.",
                loss.len()
            ),
        )
    })
}

/// Validation loss turned up while the training loss kept falling.
fn overfitting(epochs: &[Logs]) -> Option<Hint> {
    let loss = series(epochs, "loss");
    let val_loss = series(epochs, "val_loss");
    if val_loss.len() < 4 || loss.len() < val_loss.len() {
        return None;
    }
    let (best_epoch, best) = val_loss
        .iter()
        .copied()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let last = *val_loss.last()?;
    let train_fell = loss[val_loss.len() - 1] < loss[best_epoch];
    let epochs_since = val_loss.len() - 1 - best_epoch;
    (epochs_since >= 2 && last > best * 1.1 && train_fell).then(|| {
        hint(
            HintKind::Overfitting,
            format!(
                "val_loss was lowest ({best:.4}) in epoch {} and rose to {last:.4} while the \
                 training loss kept falling: the model is overfitting. Train fewer epochs \
                 (EarlyStopping with restore_best_weights), add Dropout, or augment the data.",
                best_epoch + 1
            ),
        )
    })
}

/// The validation loss has not improved for the last several epochs.
fn plateau(epochs: &[Logs]) -> Option<Hint> {
    let val_loss = series(epochs, "val_loss");
    if val_loss.len() < 8 {
        return None;
    }
    let (best_epoch, _) = val_loss
        .iter()
        .copied()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let stale = val_loss.len() - 1 - best_epoch;
    (stale >= 5).then(|| {
        hint(
            HintKind::Plateau,
            format!(
                "val_loss has not improved for the last {stale} epochs: training has plateaued. \
                 ReduceLROnPlateau or EarlyStopping would save time; a larger model or better \
                 features may help more than more epochs."
            ),
        )
    })
}

/// Whether `epochs` are a LearningRateScheduler sweep: over at least five
/// epochs with a loss, the learning rate only grew, by at least two orders
/// of magnitude. The one rule for it: the workspace draws its loss-by-rate
/// chart when the epoch events say so.
pub fn is_learning_rate_sweep(epochs: &[Logs]) -> bool {
    let rates = series(epochs, "learning_rate");
    let n = rates.len().min(series(epochs, "loss").len());
    if n < 5 {
        return false;
    }
    let (first, last) = (rates[0], rates[n - 1]);
    let increasing = rates[..n].windows(2).all(|pair| pair[1] >= pair[0]);
    increasing && first > 0.0 && last / first >= 100.0
}

/// A LearningRateScheduler sweep ([`is_learning_rate_sweep`]). Suggests the
/// rate where the loss was lowest.
fn sweep(epochs: &[Logs], loss: &[f64]) -> Option<Hint> {
    if !is_learning_rate_sweep(epochs) {
        return None;
    }
    let rates = series(epochs, "learning_rate");
    let n = rates.len().min(loss.len());
    let (first, last) = (rates[0], rates[n - 1]);
    let (best, _) = loss[..n]
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, value)| value.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let suggestion = rates[best] / 10.0;
    Some(hint(
        HintKind::LearningRateSweep,
        format!(
            "learning-rate sweep from {first:.1e} to {last:.1e}: the loss was lowest at \
             {:.1e}. Pick a rate a little below that, where the curve is still smooth \
             (e.g. {suggestion:.1e}), and train again with it fixed.",
            rates[best]
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(keys: &[&str], rows: &[&[f64]]) -> Vec<Logs> {
        rows.iter()
            .map(|row| {
                keys.iter()
                    .zip(row.iter())
                    .map(|(key, value)| ((*key).to_owned(), *value))
                    .collect()
            })
            .collect()
    }

    fn kinds(hints: &[Hint]) -> Vec<HintKind> {
        hints.iter().map(|hint| hint.kind).collect()
    }

    #[test]
    fn a_healthy_run_gets_no_hint() {
        let epochs = logs(
            &["loss", "val_loss"],
            &[
                &[1.0, 1.1],
                &[0.6, 0.7],
                &[0.4, 0.5],
                &[0.3, 0.45],
                &[0.25, 0.42],
            ],
        );
        assert!(
            curve_hints(&epochs).is_empty(),
            "{:?}",
            curve_hints(&epochs)
        );
    }

    #[test]
    fn rising_validation_loss_is_overfitting() {
        let epochs = logs(
            &["loss", "val_loss"],
            &[
                &[1.0, 0.9],
                &[0.5, 0.6],
                &[0.3, 0.65],
                &[0.2, 0.75],
                &[0.1, 0.9],
            ],
        );
        let hints = curve_hints(&epochs);
        assert_eq!(kinds(&hints), vec![HintKind::Overfitting]);
        assert!(hints[0].message.contains("epoch 2"), "{}", hints[0].message);
    }

    #[test]
    fn nan_and_growing_losses_are_divergence() {
        let nan = logs(&["loss"], &[&[1.0], &[5.0], &[f64::NAN]]);
        let hints = curve_hints(&nan);
        assert_eq!(kinds(&hints), vec![HintKind::Divergence]);
        assert!(hints[0].message.contains("epoch 3"), "{}", hints[0].message);
        let growing = logs(&["loss"], &[&[1.0], &[1.4], &[2.5]]);
        assert_eq!(kinds(&curve_hints(&growing)), vec![HintKind::Divergence]);
    }

    #[test]
    fn a_bouncing_loss_means_the_rate_is_too_high() {
        let epochs = logs(
            &["loss"],
            &[&[1.0], &[0.5], &[0.9], &[0.4], &[0.8], &[0.7], &[0.9]],
        );
        assert_eq!(
            kinds(&curve_hints(&epochs)),
            vec![HintKind::LearningRateTooHigh]
        );
    }

    #[test]
    fn a_flat_loss_means_the_rate_is_too_low() {
        let epochs = logs(&["loss"], &[&[1.0], &[0.998], &[0.996], &[0.994], &[0.992]]);
        assert_eq!(
            kinds(&curve_hints(&epochs)),
            vec![HintKind::LearningRateTooLow]
        );
        // Four epochs are too few to say.
        assert!(curve_hints(&epochs[..4]).is_empty());
    }

    #[test]
    fn a_stale_validation_loss_is_a_plateau() {
        let rows: Vec<[f64; 2]> = [0.9, 0.5, 0.41, 0.42, 0.41, 0.42, 0.43, 0.42, 0.42]
            .iter()
            .enumerate()
            .map(|(i, val)| [1.0 / (i as f64 + 1.0), *val])
            .collect();
        let rows: Vec<&[f64]> = rows.iter().map(|row| row.as_slice()).collect();
        let epochs = logs(&["loss", "val_loss"], &rows);
        assert_eq!(kinds(&curve_hints(&epochs)), vec![HintKind::Plateau]);
    }

    #[test]
    fn a_learning_rate_sweep_suggests_a_rate_below_the_minimum() {
        // The course's sweep: lr = 1e-8 * 10**(epoch / 20), loss lowest at epoch 60 (lr 1e-5).
        let rows: Vec<[f64; 2]> = (0..100)
            .map(|epoch| {
                let lr = 1e-8 * 10f64.powf(epoch as f64 / 20.0);
                let loss = 1.0 + ((epoch as f64 - 60.0) / 20.0).powi(2);
                [loss, lr]
            })
            .collect();
        let rows: Vec<&[f64]> = rows.iter().map(|row| row.as_slice()).collect();
        let hints = curve_hints(&logs(&["loss", "learning_rate"], &rows));
        assert_eq!(kinds(&hints), vec![HintKind::LearningRateSweep]);
        assert!(
            hints[0].message.contains("lowest at 1.0e-5"),
            "{}",
            hints[0].message
        );
        assert!(hints[0].message.contains("1.0e-6"), "{}", hints[0].message);
    }
}
