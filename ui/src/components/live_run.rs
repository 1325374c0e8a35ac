//! The training run in progress, on every page: the shared [`LiveContext`]
//! and the header's indicator (task, epoch, Stop).
//!
//! # Who receives a run's events
//!
//! The backend sends a run's events to one channel: the one given to
//! `start_training`, until a page calls `attach_training`, whose channel
//! then takes over (the previous one gets nothing more). The window keeps
//! exactly one such channel, in the context, for the app's lifetime;
//! whoever starts a run or attaches replaces it:
//!
//! - at app start the indicator attaches (a run may be going on from
//!   before the window was reloaded);
//! - a workspace attaches when it mounts, and starts its own runs; its
//!   handler folds events into its `RunState` when the run is its task's;
//! - History's "re-run" starts a run, then opens the workspace, which
//!   attaches as it mounts.
//!
//! Every handler updates the context's [`LiveRun`] first, so the header is
//! right whichever page holds the channel. A workspace that unmounts leaves
//! its channel in the context: its own signals are gone (its updates are
//! `try_` and do nothing) but the context goes on following the run, so
//! nobody needs to attach again until a workspace mounts. `attach_training`
//! is never polled: attaching steals the channel.
//!
//! The backend hands the channel to the latest call, so the window keeps
//! the channel of the latest call too: an answer that comes back after a
//! later start or attach was sent is dropped (see `generation`).

use std::cell::RefCell;
use std::rc::Rc;

use dojo_protocol::{CommandError, JobId, LiveTraining, TrainingEvent, TrainingRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, EventChannel};
use crate::live::LiveRun;

/// The run in progress and the one channel that follows it.
#[derive(Clone, Copy)]
pub struct LiveContext {
    /// The run in progress, `None` when nothing trains.
    pub run: RwSignal<Option<LiveRun>>,
    channel: StoredValue<Option<EventChannel>, LocalStorage>,
    /// Counts the starts and attaches sent; only the latest one's answer
    /// keeps its channel.
    generation: StoredValue<u64>,
}

/// Events that arrive on a fresh attachment before its snapshot has been
/// folded in wait here, so nothing is lost or applied out of order.
struct Attachment {
    /// `Some` until the snapshot has been replayed.
    waiting: Option<Vec<TrainingEvent>>,
    forward: Box<dyn FnMut(TrainingEvent)>,
}

impl LiveContext {
    /// Creates the context and provides it to the app.
    pub fn provide() -> LiveContext {
        let context = LiveContext {
            run: RwSignal::new(None),
            channel: StoredValue::new_local(None),
            generation: StoredValue::new(0),
        };
        provide_context(context);
        context
    }

    /// The app's context (provided by `App`).
    pub fn get() -> LiveContext {
        expect_context::<LiveContext>()
    }

    /// A start or attach is sent: it takes the channel over.
    fn next_generation(self) -> u64 {
        self.generation.update_value(|generation| *generation += 1);
        self.generation.get_value()
    }

    /// Whether no start or attach was sent after the one of `generation`.
    fn is_latest(self, generation: u64) -> bool {
        self.generation.try_get_value() == Some(generation)
    }

    /// Folds `event` into the run the header shows.
    fn note(self, event: &TrainingEvent) {
        self.run.try_update(|run| {
            if let Some(live) = run
                && !live.apply(event)
            {
                *run = None;
            }
        });
    }

    /// Starts a training run of `request.task_id`; its events go to the
    /// context and then to `forward`.
    pub async fn start(
        self,
        request: TrainingRequest,
        mut forward: impl FnMut(TrainingEvent) + 'static,
    ) -> Result<JobId, CommandError> {
        let previous = self.run.get_untracked();
        self.run.set(Some(LiveRun::starting(&request.task_id)));
        let generation = self.next_generation();
        let on_event = move |event: TrainingEvent| {
            self.note(&event);
            forward(event);
        };
        match api::start_training(request, on_event).await {
            Ok((job_id, channel)) => {
                if self.is_latest(generation) {
                    self.channel.set_value(Some(channel));
                }
                Ok(job_id)
            }
            Err(error) => {
                // Refused (another run trains, say): the header stays as it was.
                if self.is_latest(generation) {
                    self.run.try_set(previous);
                }
                Err(error)
            }
        }
    }

    /// Attaches to the run in progress, if any. `on_snapshot` sees the run
    /// with its events so far; the events after it go to the context and
    /// then to `forward`, in order.
    pub async fn attach(
        self,
        on_snapshot: impl FnOnce(Option<&LiveTraining>),
        forward: impl FnMut(TrainingEvent) + 'static,
    ) -> Result<(), CommandError> {
        let attachment = Rc::new(RefCell::new(Attachment {
            waiting: Some(Vec::new()),
            forward: Box::new(forward),
        }));
        let on_event = {
            let attachment = Rc::clone(&attachment);
            move |event: TrainingEvent| {
                let mut attachment = attachment.borrow_mut();
                if let Some(waiting) = attachment.waiting.as_mut() {
                    waiting.push(event);
                    return;
                }
                self.note(&event);
                (attachment.forward)(event);
            }
        };
        let generation = self.next_generation();
        let (live, channel) = api::attach_training(on_event).await?;
        if !self.is_latest(generation) {
            // A later start or attach owns the run's events now.
            return Ok(());
        }
        self.channel.set_value(Some(channel));
        self.run.try_set(live.as_ref().and_then(LiveRun::attached));
        on_snapshot(live.as_ref());
        let mut attachment = attachment.borrow_mut();
        for event in attachment.waiting.take().unwrap_or_default() {
            self.note(&event);
            (attachment.forward)(event);
        }
        Ok(())
    }

    /// Stops the run in progress.
    pub fn stop(self) {
        let Some(job_id) = self
            .run
            .with_untracked(|run| run.as_ref().and_then(|run| run.job_id))
        else {
            return;
        };
        spawn_local(async move {
            // A run that ended meanwhile is not an error worth showing.
            if let Err(error) = api::cancel_job(job_id).await
                && error.code != "job_not_found"
            {
                leptos::logging::warn!("stop: {error}");
            }
        });
    }
}

/// The header's indicator: the task in training (opens its workspace), the
/// epoch, and Stop. Attaches once when the app starts.
#[component]
pub fn LiveRunIndicator(
    /// Set to the run's task to open its workspace.
    open_task: RwSignal<Option<String>>,
) -> impl IntoView {
    let live = LiveContext::get();
    let tasks = LocalResource::new(async || api::list_tasks().await.unwrap_or_default());
    spawn_local(async move {
        if let Err(error) = live.attach(|_| {}, |_| {}).await {
            leptos::logging::warn!("cannot follow the run in progress: {error}");
        }
    });
    // The task's id, as the rest of the app names runs; its title on hover.
    let task_id = move || {
        live.run
            .with(|run| run.as_ref().map(|run| run.task_id.clone()))
    };
    let title = move || {
        let task_id = task_id()?;
        let title = tasks
            .get()
            .and_then(|tasks| tasks.into_iter().find(|task| task.id == task_id))
            .map_or_else(|| task_id.clone(), |task| task.title);
        Some(format!("{title}: open its workspace"))
    };
    let open = move |_| {
        // Reopening the workspace that is already open would only remount it.
        if let Some(task_id) = live
            .run
            .with_untracked(|run| run.as_ref().map(|run| run.task_id.clone()))
            && open_task.with_untracked(|open| open.as_ref() != Some(&task_id))
        {
            open_task.set(Some(task_id));
        }
    };
    view! {
        <Show when=move || live.run.with(Option::is_some)>
            <div id="live-run" class="live-run" title="Training in progress">
                <span class="pulse"></span>
                <button id="live-run-task" class="link" title=title on:click=open>
                    {task_id}
                </button>
                <span id="live-run-progress" class="mono">
                    {move || live.run.with(|run| run.as_ref().map(LiveRun::progress_label))}
                </span>
                <button
                    id="live-run-stop"
                    disabled=move || live.run.with(|run| run.as_ref().and_then(|run| run.job_id).is_none())
                    on:click=move |_| live.stop()
                >
                    "Stop"
                </button>
            </div>
        </Show>
    }
}
