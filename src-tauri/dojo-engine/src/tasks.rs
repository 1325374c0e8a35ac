//! The task registry: the practice tasks Dojo offers, in exam order.
//!
//! The UI and the CLI list tasks from here and nowhere else. Each task's
//! words and numbers live in `assets/tasks/<id>/`: `statement.md`,
//! `starter.py` and `task.json` (the grader's input contract and the score
//! thresholds); [`detail`] gathers them with a preview of the visible data.
//! The ids are stable because the attempt history and the CLI refer to them.

use dojo_protocol::{ContractItem, Metric, TaskCategory, TaskDetail, TaskSummary, Thresholds};

use crate::assets::read_task_file;
use crate::{Error, Result};

/// One practice task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub id: &'static str,
    pub exam_number: u8,
    pub title: &'static str,
    pub category: TaskCategory,
    pub metric: Metric,
    pub dataset_id: &'static str,
    pub summary: &'static str,
}

impl Task {
    pub fn summary(&self) -> TaskSummary {
        TaskSummary {
            id: self.id.to_owned(),
            exam_number: self.exam_number,
            title: self.title.to_owned(),
            category: self.category,
            metric: self.metric,
            dataset_id: self.dataset_id.to_owned(),
            summary: self.summary.to_owned(),
        }
    }
}

/// Every task, in exam order.
pub const TASKS: &[Task] = &[
    Task {
        id: "auto_mpg",
        exam_number: 1,
        title: "Fuel efficiency",
        category: TaskCategory::BasicModel,
        metric: Metric::MeanAbsoluteError,
        dataset_id: "auto_mpg",
        summary: "Predict a car's fuel consumption in miles per gallon from its engine and body figures.",
    },
    Task {
        id: "fashion_mnist",
        exam_number: 2,
        title: "Fashion-MNIST",
        category: TaskCategory::LearningDataset,
        metric: Metric::Accuracy,
        dataset_id: "fashion_mnist",
        summary: "Classify 28x28 greyscale pictures of clothing into ten classes.",
    },
    Task {
        id: "horses_or_humans",
        exam_number: 3,
        title: "Horses or humans",
        category: TaskCategory::RealWorldImages,
        metric: Metric::Accuracy,
        dataset_id: "horses_or_humans",
        summary: "Tell rendered photos of horses from photos of humans with a convolutional network.",
    },
    Task {
        id: "sms_spam",
        exam_number: 4,
        title: "SMS spam",
        category: TaskCategory::Nlp,
        metric: Metric::Accuracy,
        dataset_id: "sms_spam",
        summary: "Decide whether a text message is spam from its words.",
    },
    Task {
        id: "sunspots",
        exam_number: 5,
        title: "Monthly sunspots",
        category: TaskCategory::TimeSeries,
        metric: Metric::MeanAbsoluteError,
        dataset_id: "monthly_sunspots",
        summary: "Forecast the next month's mean sunspot number from a window of past months.",
    },
    Task {
        id: "daily_min_temperatures",
        exam_number: 5,
        title: "Daily minimum temperatures",
        category: TaskCategory::TimeSeries,
        metric: Metric::MeanAbsoluteError,
        dataset_id: "daily_min_temperatures",
        summary: "Forecast tomorrow's minimum temperature in Melbourne from the days before.",
    },
];

/// The task with this id.
pub fn task(id: &str) -> Result<&'static Task> {
    TASKS
        .iter()
        .find(|task| task.id == id)
        .ok_or_else(|| Error::UnknownTask {
            id: id.to_owned(),
            known: TASKS
                .iter()
                .map(|task| task.id)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Summaries of every task, in exam order.
pub fn summaries() -> Vec<TaskSummary> {
    TASKS.iter().map(Task::summary).collect()
}

/// A task's `task.json`: the grader's input contract and, for scores 2 to
/// 5, the metric value a model must reach (thresholds ordered from easy to
/// hard: rising for accuracy, falling for MAE).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    pub contract: Vec<ContractItem>,
    pub thresholds: [f64; 4],
}

fn task_text(task: &Task, file: &str) -> Result<String> {
    String::from_utf8(read_task_file(task.id, file)?).map_err(|_| Error::TaskFile {
        task: task.id.to_owned(),
        file: file.to_owned(),
        message: "not UTF-8 text".to_owned(),
    })
}

/// Reads and checks `task`'s `task.json`.
pub fn spec(task: &Task) -> Result<TaskSpec> {
    let malformed = |message: String| Error::TaskFile {
        task: task.id.to_owned(),
        file: "task.json".to_owned(),
        message,
    };
    let spec: TaskSpec = serde_json::from_str(&task_text(task, "task.json")?)
        .map_err(|error| malformed(error.to_string()))?;
    let levels = spec.thresholds;
    let ordered = levels.windows(2).all(|pair| match task.metric {
        Metric::Accuracy => pair[0] < pair[1],
        Metric::MeanAbsoluteError => pair[0] > pair[1],
    });
    if !ordered || levels.iter().any(|level| !level.is_finite()) {
        return Err(malformed(format!(
            "thresholds {levels:?} must be finite and strictly {} for {}",
            match task.metric {
                Metric::Accuracy => "rising",
                Metric::MeanAbsoluteError => "falling",
            },
            task.metric.label()
        )));
    }
    Ok(spec)
}

/// Everything the workspace shows about `task`: statement, contract,
/// starter, thresholds and a preview of the visible data (`draft` is the
/// caller's to fill).
pub fn detail(task: &Task) -> Result<TaskDetail> {
    let spec = spec(task)?;
    let (data, _) = crate::taskdata::task_data(task)?;
    Ok(TaskDetail {
        summary: task.summary(),
        statement: task_text(task, "statement.md")?,
        contract: spec.contract,
        starter: task_text(task, "starter.py")?,
        thresholds: Thresholds {
            metric: task.metric,
            levels: spec.thresholds,
        },
        preview: crate::preview::preview(task, &data)?,
        draft: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets;

    #[test]
    fn every_exam_category_has_a_task_in_exam_order() {
        let categories = [
            TaskCategory::BasicModel,
            TaskCategory::LearningDataset,
            TaskCategory::RealWorldImages,
            TaskCategory::Nlp,
            TaskCategory::TimeSeries,
        ];
        for (number, category) in (1..).zip(categories) {
            let task = TASKS
                .iter()
                .find(|task| task.category == category)
                .unwrap_or_else(|| panic!("no task for {category:?}"));
            assert_eq!(task.exam_number, number, "{}", task.id);
        }
        assert!(
            TASKS
                .windows(2)
                .all(|pair| pair[0].exam_number <= pair[1].exam_number)
        );
    }

    #[test]
    fn ids_are_unique_and_datasets_exist() {
        for (index, task) in TASKS.iter().enumerate() {
            assert!(
                TASKS[index + 1..].iter().all(|other| other.id != task.id),
                "duplicate id {}",
                task.id
            );
            assert!(
                datasets::attribution(task.dataset_id).is_some(),
                "{} names unknown dataset {}",
                task.id,
                task.dataset_id
            );
        }
    }

    #[test]
    fn unknown_task_lists_the_known_ones() {
        let error = task("mnist").unwrap_err().to_string();
        assert!(error.contains("\"mnist\""), "{error}");
        assert!(error.contains("fashion_mnist"), "{error}");
        assert_eq!(task("sunspots").unwrap().metric, Metric::MeanAbsoluteError);
    }
}
