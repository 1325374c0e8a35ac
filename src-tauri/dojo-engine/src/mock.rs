//! The mock exam's task draw: one task per exam category, in exam order.
//! Where a category has more than one task (time series has two), the
//! seed picks one, so a mock's recorded seed reproduces its draw.

use dojo_protocol::{MockTaskInfo, TaskCategory};

use crate::tasks::{TASKS, Task};

const CATEGORIES: [TaskCategory; 5] = [
    TaskCategory::BasicModel,
    TaskCategory::LearningDataset,
    TaskCategory::RealWorldImages,
    TaskCategory::Nlp,
    TaskCategory::TimeSeries,
];

/// The tasks of a mock drawn with `seed`, one per category in exam order.
pub fn draw(seed: u64) -> Vec<&'static Task> {
    let mut state = seed;
    CATEGORIES
        .iter()
        .filter_map(|category| {
            let pool: Vec<&'static Task> = TASKS
                .iter()
                .filter(|task| task.category == *category)
                .collect();
            // splitmix64: a fixed, portable mix of the seed for each category.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            pool.get((z % pool.len().max(1) as u64) as usize).copied()
        })
        .collect()
}

/// What a mock's report needs to know about each of `task_ids` (unknown
/// ids, from a newer build's history, are left out).
pub fn task_infos(task_ids: &[String]) -> Vec<MockTaskInfo> {
    task_ids
        .iter()
        .filter_map(|id| crate::tasks::task(id).ok())
        .map(|task| MockTaskInfo {
            task_id: task.id.to_owned(),
            title: task.title.to_owned(),
            category: task.exam_number,
            metric: task.metric,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_has_one_task_per_category_and_the_seed_decides_the_time_series() {
        let mut series = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let tasks = draw(seed);
            let numbers: Vec<u8> = tasks.iter().map(|task| task.exam_number).collect();
            assert_eq!(numbers, [1, 2, 3, 4, 5]);
            assert_eq!(draw(seed), tasks, "the same seed draws the same tasks");
            series.insert(tasks[4].id);
        }
        assert_eq!(
            series.len(),
            2,
            "both time-series tasks are drawn: {series:?}"
        );
    }

    #[test]
    fn infos_weigh_each_task_by_its_category() {
        let ids: Vec<String> = draw(3).iter().map(|task| task.id.to_owned()).collect();
        let infos = task_infos(&ids);
        assert_eq!(
            infos.iter().map(|info| info.category).sum::<u8>(),
            15,
            "1 + 2 + 3 + 4 + 5"
        );
    }
}
