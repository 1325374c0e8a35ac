//! Training curves folded from `Batch` and `Epoch` events, and the series
//! each live chart draws from them.
//!
//! The x axis is in epochs, counted across every `fit` of a run: a batch
//! point sits at its fractional epoch (`epoch + (batch + 1) / batches`), an
//! epoch point at the epoch's end (`epoch + 1`). A later `fit` continues
//! where the previous one's last epoch ended.
//!
//! A stored run (the History page) has its epoch logs in order and a
//! downsampled batch curve: its epochs go through the same [`Curves`], its
//! batches onto a chart of their own by batch number. Two compared runs
//! share one chart per metric, the second run in its own colours.

use std::collections::BTreeMap;

use dojo_protocol::{BatchPoint, Logs, Metric};

/// The key Keras logs the learning rate under.
const LEARNING_RATE: &str = "learning_rate";
/// Weight of the previous value in the smoothing average.
pub const SMOOTHING: f64 = 0.8;

pub type Points = Vec<(f64, f64)>;

/// Every logged value over time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Curves {
    /// Per-batch values by log key.
    pub batch: BTreeMap<String, Points>,
    /// Per-epoch values by log key (`val_*` keys included).
    pub epoch: BTreeMap<String, Points>,
    /// Epochs completed by earlier `fit` calls: where the current one starts.
    offset: f64,
    /// Epochs completed so far, across fits.
    completed: f64,
    /// The engine's word that the epochs so far are a learning-rate sweep.
    learning_rate_sweep: bool,
}

impl Curves {
    /// The epoch curves of a stored run: its epoch logs in order, over
    /// every `fit`, one per epoch.
    pub fn from_epochs(epochs: &[Logs]) -> Curves {
        let mut curves = Curves::default();
        for (index, logs) in (0u32..).zip(epochs) {
            curves.epoch(index, logs);
        }
        curves
    }

    /// A new `fit` starts after every epoch seen so far.
    pub fn fit_started(&mut self) {
        self.offset = self.completed;
    }

    /// Adds a batch's logs. Batches of an epoch whose length is unknown have
    /// no x position and are skipped.
    pub fn batch(&mut self, epoch: u32, batch: u32, batches: Option<u32>, logs: &Logs) {
        let Some(batches) = batches.filter(|count| *count > 0) else {
            return;
        };
        let x = self.offset + f64::from(epoch) + f64::from(batch + 1) / f64::from(batches);
        push_logs(&mut self.batch, x, logs);
    }

    /// Adds an epoch's logs.
    pub fn epoch(&mut self, epoch: u32, logs: &Logs) {
        let x = self.offset + f64::from(epoch) + 1.0;
        self.completed = self.completed.max(x);
        push_logs(&mut self.epoch, x, logs);
    }

    /// The log key of the task's metric: `accuracy` or `mae` when logged,
    /// else a key that names the metric another way (`sparse_categorical_accuracy`,
    /// `mean_absolute_error`), else any other non-loss key.
    pub fn metric_key(&self, metric: Metric) -> Option<String> {
        let keys: Vec<&String> = self
            .epoch
            .keys()
            .chain(self.batch.keys())
            .filter(|key| {
                !key.starts_with("val_") && *key != "loss" && key.as_str() != LEARNING_RATE
            })
            .collect();
        let (exact, related): (&str, &[&str]) = match metric {
            Metric::Accuracy => ("accuracy", &["acc"]),
            Metric::MeanAbsoluteError => ("mae", &["mae", "mean_absolute_error"]),
        };
        keys.iter()
            .find(|key| key.as_str() == exact)
            .or_else(|| {
                keys.iter()
                    .find(|key| related.iter().any(|part| key.contains(part)))
            })
            .or_else(|| keys.first())
            .map(|key| (*key).clone())
    }

    /// Records the engine's decision, sent with each epoch, whether the
    /// epochs so far are a learning-rate sweep.
    pub fn set_learning_rate_sweep(&mut self, sweep: bool) {
        self.learning_rate_sweep = sweep;
    }

    /// `(learning rate, loss)` per epoch, when the engine said the epochs
    /// are a learning-rate sweep.
    pub fn learning_rate_sweep(&self) -> Option<Points> {
        if !self.learning_rate_sweep {
            return None;
        }
        let rates = self.epoch.get(LEARNING_RATE)?;
        let losses = self.epoch.get("loss")?;
        let pairs: Points = rates
            .iter()
            .filter_map(|(x, rate)| {
                let loss = losses.iter().find(|(at, _)| at == x)?.1;
                (*rate > 0.0 && loss.is_finite()).then_some((*rate, loss))
            })
            .collect();
        Some(pairs)
    }
}

fn push_logs(series: &mut BTreeMap<String, Points>, x: f64, logs: &Logs) {
    for (key, value) in logs {
        if value.is_finite() {
            series.entry(key.clone()).or_default().push((x, *value));
        }
    }
}

/// Exponential moving average with bias correction (TensorBoard's
/// smoothing): the first point is kept, later ones are pulled towards the
/// running average by `weight` (0 = no smoothing).
pub fn smooth(points: &[(f64, f64)], weight: f64) -> Points {
    let mut average = 0.0;
    let mut correction = 1.0;
    points
        .iter()
        .map(|(x, y)| {
            average = weight * average + (1.0 - weight) * y;
            correction *= weight;
            (*x, average / (1.0 - correction))
        })
        .collect()
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Thin line of per-batch values.
    Batch,
    /// Line with dots: training values per epoch.
    Epoch,
    /// Line with dots in the validation colour.
    Validation,
    /// Training values of the second of two compared runs.
    OtherEpoch,
    /// Validation values of the second of two compared runs.
    OtherValidation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub style: Style,
    pub points: Points,
}

/// What one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub x_label: &'static str,
    pub log_x: bool,
    /// Where curves are unlikely to run: the legend goes to the bottom
    /// right for rising curves (accuracy), else to the top right.
    pub legend_at_bottom: bool,
    pub series: Vec<Series>,
}

impl ChartData {
    /// The number of points drawn, all series together.
    pub fn point_count(&self) -> usize {
        self.series.iter().map(|series| series.points.len()).sum()
    }

    /// The x and y ranges that hold every point, padded so no range is
    /// empty; `None` when there is nothing to draw. With a log x axis the
    /// x range is positive.
    pub fn ranges(&self) -> Option<((f64, f64), (f64, f64))> {
        let points = || self.series.iter().flat_map(|series| series.points.iter());
        points().next()?;
        let fold = |pick: fn(&(f64, f64)) -> f64| {
            points()
                .map(pick)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        };
        let (x_lo, x_hi) = fold(|point| point.0);
        let (y_lo, y_hi) = fold(|point| point.1);
        let x = if self.log_x {
            if x_hi > x_lo {
                (x_lo, x_hi)
            } else {
                (x_lo / 10.0, x_hi * 10.0)
            }
        } else {
            (x_lo.min(0.0), x_hi.max(x_lo + 1.0))
        };
        let pad = ((y_hi - y_lo) * 0.05).max(y_hi.abs() * 0.05).max(1e-6);
        Some((x, (y_lo - pad, y_hi + pad)))
    }
}

/// The series of one metric: per-batch (smoothed on request), per-epoch,
/// and its `val_` twin per epoch.
fn metric_series(curves: &Curves, key: &str, smoothed: bool) -> Vec<Series> {
    let mut series = Vec::new();
    if let Some(points) = curves.batch.get(key) {
        series.push(Series {
            name: format!("{key} (batch)"),
            style: Style::Batch,
            points: if smoothed {
                smooth(points, SMOOTHING)
            } else {
                points.clone()
            },
        });
    }
    if let Some(points) = curves.epoch.get(key) {
        series.push(Series {
            name: key.to_owned(),
            style: Style::Epoch,
            points: points.clone(),
        });
    }
    let validation = format!("val_{key}");
    if let Some(points) = curves.epoch.get(&validation) {
        series.push(Series {
            name: validation,
            style: Style::Validation,
            points: points.clone(),
        });
    }
    series
}

/// Chart 1: loss and val_loss.
pub fn loss_chart(curves: &Curves, smoothed: bool) -> ChartData {
    ChartData {
        x_label: "epoch",
        log_x: false,
        legend_at_bottom: false,
        series: metric_series(curves, "loss", smoothed),
    }
}

/// Chart 2: the task's metric and its `val_` twin.
pub fn metric_chart(curves: &Curves, metric: Metric, smoothed: bool) -> ChartData {
    ChartData {
        x_label: "epoch",
        log_x: false,
        legend_at_bottom: metric == Metric::Accuracy,
        series: curves
            .metric_key(metric)
            .map(|key| metric_series(curves, &key, smoothed))
            .unwrap_or_default(),
    }
}

/// Chart 3: loss against the learning rate on a log axis, for sweeps only.
pub fn learning_rate_chart(curves: &Curves, smoothed: bool) -> Option<ChartData> {
    let points = curves.learning_rate_sweep()?;
    Some(ChartData {
        x_label: "learning rate",
        log_x: true,
        legend_at_bottom: false,
        series: vec![Series {
            name: "loss".to_owned(),
            style: Style::Epoch,
            points: if smoothed {
                smooth(&points, SMOOTHING)
            } else {
                points
            },
        }],
    })
}

/// A stored run's batch curve: `key` by batch number over the whole run.
pub fn batch_chart(batches: &[BatchPoint], key: &str, smoothed: bool) -> ChartData {
    let points: Points = batches
        .iter()
        .filter_map(|point| {
            let value = *point.logs.get(key)?;
            value.is_finite().then_some((point.step as f64, value))
        })
        .collect();
    let series = (!points.is_empty())
        .then(|| Series {
            name: format!("{key} (batch)"),
            style: Style::Batch,
            points: if smoothed {
                smooth(&points, SMOOTHING)
            } else {
                points
            },
        })
        .into_iter()
        .collect();
    ChartData {
        x_label: "batch",
        log_x: false,
        legend_at_bottom: false,
        series,
    }
}

/// Two runs' epoch curves of one metric on shared axes: `key` and its
/// `val_` twin of each, named after the runs (`left_name`, `right_name`).
/// `None` for `key` means the metric chart: each run's own metric key.
pub fn compared_chart(
    left: (&Curves, &str),
    right: (&Curves, &str),
    key: Option<&str>,
    metric: Metric,
) -> ChartData {
    let mut series = Vec::new();
    for ((curves, name), (train, validation)) in [
        (left, (Style::Epoch, Style::Validation)),
        (right, (Style::OtherEpoch, Style::OtherValidation)),
    ] {
        let Some(key) = key.map(str::to_owned).or_else(|| curves.metric_key(metric)) else {
            continue;
        };
        for (log_key, style) in [(key.clone(), train), (format!("val_{key}"), validation)] {
            if let Some(points) = curves.epoch.get(&log_key) {
                series.push(Series {
                    name: format!("{name} {log_key}"),
                    style,
                    points: points.clone(),
                });
            }
        }
    }
    ChartData {
        x_label: "epoch",
        log_x: false,
        legend_at_bottom: key.is_none() && metric == Metric::Accuracy,
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(entries: &[(&str, f64)]) -> Logs {
        entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), *value))
            .collect()
    }

    #[test]
    fn batch_points_sit_at_fractional_epochs_across_fits() {
        let mut curves = Curves::default();
        curves.fit_started();
        curves.batch(0, 1, Some(4), &logs(&[("loss", 1.0)]));
        curves.batch(1, 3, Some(4), &logs(&[("loss", 0.5)]));
        curves.epoch(0, &logs(&[("loss", 0.9), ("val_loss", 1.1)]));
        curves.epoch(1, &logs(&[("loss", 0.4), ("val_loss", f64::NAN)]));
        // A second fit continues after epoch 2; an unknown epoch length is skipped.
        curves.fit_started();
        curves.batch(0, 0, Some(2), &logs(&[("loss", 0.3)]));
        curves.batch(0, 0, None, &logs(&[("loss", 9.0)]));
        curves.epoch(0, &logs(&[("loss", 0.3)]));
        assert_eq!(
            curves.batch["loss"],
            vec![(0.5, 1.0), (2.0, 0.5), (2.5, 0.3)]
        );
        assert_eq!(
            curves.epoch["loss"],
            vec![(1.0, 0.9), (2.0, 0.4), (3.0, 0.3)]
        );
        // Non-finite values are not plotted.
        assert_eq!(curves.epoch["val_loss"], vec![(1.0, 1.1)]);
        let chart = loss_chart(&curves, false);
        let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["loss (batch)", "loss", "val_loss"]);
        assert_eq!(chart.point_count(), 7);
    }

    #[test]
    fn the_metric_chart_finds_the_task_metric() {
        let mut curves = Curves::default();
        curves.epoch(
            0,
            &logs(&[
                ("loss", 1.0),
                ("sparse_categorical_accuracy", 0.5),
                ("val_sparse_categorical_accuracy", 0.4),
                ("learning_rate", 0.001),
            ]),
        );
        assert_eq!(
            curves.metric_key(Metric::Accuracy).as_deref(),
            Some("sparse_categorical_accuracy")
        );
        let chart = metric_chart(&curves, Metric::Accuracy, true);
        assert_eq!(chart.series.len(), 2);
        assert_eq!(chart.series[1].name, "val_sparse_categorical_accuracy");

        let mut regression = Curves::default();
        regression.epoch(0, &logs(&[("loss", 1.0), ("mse", 2.0), ("mae", 0.7)]));
        assert_eq!(
            regression.metric_key(Metric::MeanAbsoluteError).as_deref(),
            Some("mae")
        );
        // Without any metric logged there is nothing to draw.
        let mut bare = Curves::default();
        bare.epoch(0, &logs(&[("loss", 1.0)]));
        assert_eq!(
            metric_chart(&bare, Metric::Accuracy, false).point_count(),
            0
        );
    }

    #[test]
    fn smoothing_is_a_bias_corrected_average() {
        let points = [(0.0, 1.0), (1.0, 0.0), (2.0, 0.0)];
        let smoothed = smooth(&points, 0.5);
        // s_t = 0.5 s_(t-1) + 0.5 y_t, shown as s_t / (1 - 0.5^t):
        // 0.5 / 0.5 = 1, 0.25 / 0.75 = 1/3, 0.125 / 0.875 = 1/7.
        let expected = [1.0, 1.0 / 3.0, 1.0 / 7.0];
        for ((_, y), want) in smoothed.iter().zip(expected) {
            assert!((y - want).abs() < 1e-12, "{smoothed:?}");
        }
        assert_eq!(smooth(&points, 0.0), points.to_vec());
    }

    #[test]
    fn a_learning_rate_sweep_gets_a_chart_and_a_fixed_rate_does_not() {
        let mut sweep = Curves::default();
        for epoch in 0..5u32 {
            let rate = 1e-6 * 10f64.powi(epoch.cast_signed());
            sweep.epoch(
                epoch,
                &logs(&[
                    ("loss", 1.0 / f64::from(epoch + 1)),
                    ("learning_rate", rate),
                ]),
            );
        }
        // What the engine says of these epochs (`curves::is_learning_rate_sweep`).
        sweep.set_learning_rate_sweep(true);
        let chart = learning_rate_chart(&sweep, false);
        let Some(chart) = chart else {
            panic!("a sweep over four orders of magnitude is a sweep");
        };
        assert!(chart.log_x);
        assert_eq!(chart.point_count(), 5);
        assert!((chart.series[0].points[4].0 - 1e-2).abs() < 1e-12);
        let Some(((x_lo, x_hi), _)) = chart.ranges() else {
            panic!("points have ranges");
        };
        assert!(x_lo > 0.0 && x_hi >= 1e-2);

        let mut decay = Curves::default();
        decay.epoch(0, &logs(&[("loss", 1.0), ("learning_rate", 1e-3)]));
        decay.epoch(1, &logs(&[("loss", 0.5), ("learning_rate", 5e-4)]));
        assert!(learning_rate_chart(&decay, false).is_none());
    }

    #[test]
    fn a_stored_run_draws_its_epochs_and_its_batches_by_number() {
        let curves = Curves::from_epochs(&[
            logs(&[("loss", 0.9), ("val_loss", 1.0)]),
            logs(&[("loss", 0.5), ("val_loss", 0.7)]),
        ]);
        assert_eq!(curves.epoch["loss"], vec![(1.0, 0.9), (2.0, 0.5)]);
        assert_eq!(loss_chart(&curves, false).point_count(), 4);
        let batches: Vec<BatchPoint> = [(0, 1.5), (10, f64::NAN), (20, 0.8)]
            .into_iter()
            .map(|(step, loss)| BatchPoint {
                step,
                fit: 0,
                epoch: 0,
                logs: logs(&[("loss", loss)]),
            })
            .collect();
        let chart = batch_chart(&batches, "loss", false);
        assert_eq!(chart.x_label, "batch");
        assert_eq!(chart.series[0].points, vec![(0.0, 1.5), (20.0, 0.8)]);
        assert!(batch_chart(&batches, "accuracy", false).series.is_empty());
    }

    #[test]
    fn two_runs_share_a_chart_in_four_colours() {
        let left =
            Curves::from_epochs(&[logs(&[("loss", 0.9), ("val_loss", 1.0), ("accuracy", 0.5)])]);
        let right = Curves::from_epochs(&[logs(&[("loss", 0.4), ("acc", 0.8), ("val_acc", 0.7)])]);
        let loss = compared_chart(
            (&left, "#1"),
            (&right, "#2"),
            Some("loss"),
            Metric::Accuracy,
        );
        let names: Vec<(&str, Style)> = loss
            .series
            .iter()
            .map(|series| (series.name.as_str(), series.style))
            .collect();
        assert_eq!(
            names,
            vec![
                ("#1 loss", Style::Epoch),
                ("#1 val_loss", Style::Validation),
                ("#2 loss", Style::OtherEpoch),
            ]
        );
        // The metric chart takes each run's own spelling of the metric.
        let metric = compared_chart((&left, "#1"), (&right, "#2"), None, Metric::Accuracy);
        let names: Vec<&str> = metric
            .series
            .iter()
            .map(|series| series.name.as_str())
            .collect();
        assert_eq!(names, vec!["#1 accuracy", "#2 acc", "#2 val_acc"]);
        assert!(metric.legend_at_bottom);
    }

    #[test]
    fn ranges_are_never_empty() {
        let one = ChartData {
            x_label: "epoch",
            log_x: false,
            legend_at_bottom: false,
            series: vec![Series {
                name: "loss".into(),
                style: Style::Epoch,
                points: vec![(1.0, 0.5)],
            }],
        };
        let Some(((x_lo, x_hi), (y_lo, y_hi))) = one.ranges() else {
            panic!("one point has ranges");
        };
        assert!(x_lo < x_hi && y_lo < 0.5 && 0.5 < y_hi);
        let empty = ChartData {
            series: Vec::new(),
            ..one
        };
        assert!(empty.ranges().is_none());
    }
}
