//! `dojo`: Dojo without a window.
//!
//! The same engine and store as the desktop app, for scripts, CI and people
//! who prefer a terminal. Subcommands print plain text, or one JSON document
//! (or one JSON object per line for streams) with `--json`.

mod bench_history;
mod bench_memory;
mod bench_models;
mod history;

use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::mpsc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use dojo_engine::device::ComputeDevice;
use dojo_engine::jobs::{CancelToken, DeviceCheck, Emitter, JobRunner};
use dojo_engine::practice::{JobUpdate, PracticeRun};
use dojo_protocol::{JobEvent, JobId, RunId, TrainingEvent};
use dojo_store::RunRecorder;

#[global_allocator]
/// mimalloc, counting what it holds for the run's memory budget.
static GLOBAL: dojo_engine::memory::Counting<mimalloc::MiMalloc> =
    dojo_engine::memory::Counting(mimalloc::MiMalloc);

#[derive(Debug, Parser)]
#[command(
    name = "dojo",
    version,
    about = "Practise TensorFlow-certificate-style model building, offline"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the practice tasks in exam order.
    Tasks,
    /// Show one task: its statement, the grader's input contract and the
    /// score thresholds.
    Task {
        /// The task (see `dojo tasks`).
        id: String,
    },
    /// List the bundled datasets and their licences.
    Datasets,
    /// Show the version, compute device and data directory.
    Info,
    /// Parse a solution file and report every syntax error and unsupported
    /// construct, without running it.
    Check {
        /// The Python file to check.
        file: std::path::PathBuf,
    },
    /// Run a Python file in Dojo's sandboxed interpreter, printing its output.
    /// With `--task`, the program sees that task's data and its
    /// `solution_model()` is called as the exam's grader calls it.
    Run {
        /// The Python file to run.
        file: std::path::PathBuf,
        /// The task whose data the program sees (see `dojo tasks`).
        #[arg(long)]
        task: Option<String>,
        /// Cap every `fit` at this many epochs.
        #[arg(long)]
        max_epochs: Option<u32>,
        /// Cap every epoch at this many batches (quick checks).
        #[arg(long)]
        max_steps: Option<u32>,
        /// Build and compile the model but skip training; print its summary.
        #[arg(long)]
        dry_run: bool,
        /// Seed Keras's initialisers and shuffles (default: a fresh seed,
        /// stored with the attempt so the run can be reproduced).
        #[arg(long)]
        seed: Option<u64>,
        /// Where the figures the program shows or saves (`plt.show()`,
        /// `plt.savefig(...)`) are written as PNG files.
        #[arg(long, default_value = "dojo-figures")]
        figures: std::path::PathBuf,
    },
    /// List past attempts (runs of the app and of `dojo run --task`),
    /// newest first, with their status and best submitted score; or show,
    /// compare, export and import them.
    History {
        /// Only this task's attempts.
        #[arg(long)]
        task: Option<String>,
        #[command(subcommand)]
        action: Option<HistoryAction>,
    },
    /// Mock exams: list them, or print one's report.
    Mock {
        #[command(subcommand)]
        action: MockAction,
    },
    /// Write a task's visible data files (what its programs can read) and
    /// its URL table (`urls.json`) into a folder, e.g. to run the same
    /// program under TensorFlow for comparison. The hidden split is never
    /// written.
    Data {
        /// The task (see `dojo tasks`).
        task: String,
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Measure Dojo's speed (a benchmark, not a test): `interpreter` times
    /// the interpreter's own overhead on the sunspots CSV and windowing;
    /// `models` trains the programs in tests/bench/models/ (epoch time,
    /// samples/s and peak memory per model, each in its own process).
    Bench {
        /// Which benchmark to run.
        #[arg(value_enum, default_value_t = BenchSuite::Interpreter)]
        suite: BenchSuite,
        /// Repetitions; the median is reported (default: 7 for
        /// `interpreter`, 3 for `models`).
        #[arg(long)]
        runs: Option<usize>,
        /// `models`: train on this many samples instead of each program's own;
        /// `history`: a database of this many runs instead of 10,000.
        #[arg(long)]
        samples: Option<usize>,
        /// `models`: train this many epochs instead of each program's own
        /// (the first is discarded as warm-up when there are several).
        #[arg(long)]
        epochs: Option<usize>,
        /// `models`: only this model (e.g. `dense`, `task_sunspots`).
        #[arg(long)]
        only: Option<String>,
        /// `models`: also write the JSON report to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Internal: train `--only` once in this process and print one JSON run.
        #[arg(long, hide = true, requires = "only")]
        child: bool,
    },
    /// Train a small built-in model to check the compute device and measure its speed.
    DeviceCheck {
        /// Number of training steps.
        #[arg(long, default_value_t = 500)]
        steps: u32,
    },
}

#[derive(Debug, Subcommand)]
enum HistoryAction {
    /// One attempt in full: code, epochs, console, grade, device, seed.
    Show { id: i64 },
    /// Two attempts side by side: the code's diff and the final metrics.
    Compare { left: i64, right: i64 },
    /// Write attempts (all, or the ids given) to one JSON-lines file.
    Export {
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        ids: Vec<i64>,
    },
    /// Add the attempts of an exported file; ones already here are skipped.
    Import { file: std::path::PathBuf },
    /// Check the history file: SQLite's full integrity check, runs by
    /// status, and whether each run's stored epochs have no gap. Runs of
    /// processes that are gone are closed as `interrupted` first.
    Check,
}

#[derive(Debug, Subcommand)]
enum MockAction {
    /// Start a mock: one task per exam category, drawn with a fresh seed,
    /// and a wall-clock deadline. Runs of its tasks (here or in the app)
    /// count for it until the deadline.
    Start {
        /// 300 (the exam's five hours), 120 or 60.
        #[arg(long, default_value_t = 300)]
        minutes: u32,
    },
    /// End the running mock now (its report counts), or `--abandon` it.
    End {
        id: i64,
        #[arg(long)]
        abandon: bool,
    },
    /// Every mock, newest first.
    List,
    /// A mock's report: per task the best score (public and private once
    /// it ended), runs, submissions and time to the first submission.
    Report { id: i64 },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum BenchSuite {
    Interpreter,
    Models,
    /// The History page's queries on a database of 10,000 runs.
    History,
    /// Programs that allocate until refused: peak memory against the run's
    /// budget (`--samples` is the budget in MiB, default 1024).
    Memory,
}

#[allow(unsafe_code)]
fn main() -> ExitCode {
    // SAFETY: first thing in `main`: no other thread exists yet.
    unsafe { dojo_engine::device::configure_process(dojo_engine::device::Workload::Batch) };
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes program output to stdout, flushed; a closed pipe (`dojo run … |
/// head`) silently drops the rest instead of panicking.
fn say(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// What `dojo run` was asked to do.
struct RunRequest {
    file: std::path::PathBuf,
    source: String,
    task: Option<String>,
    max_epochs: Option<u32>,
    max_steps: Option<u32>,
    dry_run: bool,
    seed: Option<u64>,
    /// The folder figures are written to.
    figures: std::path::PathBuf,
}

/// Where `dojo run` writes the figures a program draws: the name
/// `savefig` gave (as `.png`), else `figure-N.png`; a name used earlier in
/// the run gets `-2`, `-3`, ... so no figure of the run is overwritten.
struct FigureFolder {
    folder: std::path::PathBuf,
    written: std::collections::BTreeSet<String>,
}

impl FigureFolder {
    fn new(folder: std::path::PathBuf) -> FigureFolder {
        FigureFolder {
            folder,
            written: std::collections::BTreeSet::new(),
        }
    }

    fn save(&mut self, figure: &dojo_protocol::FigureImage) -> anyhow::Result<std::path::PathBuf> {
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(&figure.png_base64)
            .context("the figure's image is not valid base64")?;
        let stem = figure
            .file_name
            .as_deref()
            .map(|name| name.rsplit_once('.').map_or(name, |(stem, _)| stem))
            .map(|stem| {
                stem.chars()
                    .map(|c| {
                        if c.is_alphanumeric() || "-_ ".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect::<String>()
            })
            .filter(|stem| !stem.trim().is_empty())
            .unwrap_or_else(|| format!("figure-{}", figure.number));
        let mut name = format!("{stem}.png");
        let mut copy = 1;
        while self.written.contains(&name) {
            copy += 1;
            name = format!("{stem}-{copy}.png");
        }
        std::fs::create_dir_all(&self.folder)
            .with_context(|| format!("cannot create {}", self.folder.display()))?;
        let path = self.folder.join(&name);
        std::fs::write(&path, png).with_context(|| format!("cannot write {}", path.display()))?;
        self.written.insert(name);
        Ok(path)
    }
}

/// `dojo run`: one practice run, the same as the app's (see
/// [`PracticeRun`]), on this thread: output streamed as it comes (with
/// `--json`, one JSON object per line), the errors or the model's summary
/// and grade at the end. A task's run is an attempt: it goes into the
/// history like the app's, and its grade is submitted since it is shown.
fn run_program(request: RunRequest, json: bool) -> anyhow::Result<ExitCode> {
    let file_name = request.file.file_name().map_or_else(
        || request.file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let task = request
        .task
        .map(|id| dojo_engine::tasks::task(&id))
        .transpose()?;
    let device = ComputeDevice::select()?;
    let seed = request
        .seed
        .unwrap_or_else(dojo_engine::practice::fresh_seed);
    let recorder = match (task, request.dry_run) {
        (Some(task), false) => start_recording(&dojo_store::NewRun {
            task_id: task.id.to_owned(),
            code: request.source.clone(),
            seed,
            device: device.description().to_owned(),
            dojo_version: dojo_engine::VERSION.to_owned(),
            mock_id: None,
        }),
        _ => None,
    };
    let practice = PracticeRun {
        task,
        code: request.source,
        file_name,
        run_id: recorder
            .as_ref()
            .map_or(RunId(0), |recorder| recorder.run_id()),
        seed,
        max_epochs: request.max_epochs,
        max_steps: request.max_steps,
        dry_run: request.dry_run,
        device,
    };
    let recorder = Rc::new(RefCell::new(recorder));
    let recording = Rc::clone(&recorder);
    let emit = move |object: serde_json::Value| say(&format!("{object}\n"));
    let figures = std::sync::Mutex::new(FigureFolder::new(request.figures.clone()));
    let emitter = Emitter::new(move |update: JobUpdate| {
        // Saved before it is shown: every epoch the user saw is in the
        // history, even if the process is killed the moment after.
        if let Some(recorder) = recording.borrow_mut().as_mut() {
            let written = match &update.end {
                Some(end) => recorder.finish(end),
                None => recorder.record_event(&update.event),
            };
            if let Err(error) = written {
                eprintln!("warning: this run could not be saved: {error}");
            }
        }
        match &update.event {
            TrainingEvent::Output { text } if json => {
                emit(serde_json::json!({ "kind": "stdout", "text": text }));
            }
            TrainingEvent::Output { text } => say(text),
            TrainingEvent::Figure(figure) => match (
                figures
                    .lock()
                    .map_err(|_| anyhow::anyhow!("the figure folder is unusable"))
                    .and_then(|mut folder| folder.save(figure)),
                json,
            ) {
                (Ok(path), true) => emit(serde_json::json!({
                    "kind": "figure",
                    "number": figure.number,
                    "path": path.display().to_string(),
                })),
                (Ok(path), false) => say(&format!("  saved as {}\n", path.display())),
                (Err(error), _) => eprintln!("warning: {}: {error:#}", figure.caption()),
            },
            TrainingEvent::Epoch {
                epoch,
                epochs,
                logs,
                ..
            } if json => emit(serde_json::json!({
                "kind": "epoch",
                "epoch": epoch + 1,
                "epochs": epochs,
                "logs": logs,
            })),
            _ => {}
        }
    });
    let outcome = practice.run(JobId(0), &CancelToken::default(), emitter);
    let recorder = recorder.borrow_mut().take();
    // The grade as the candidate may see it: during a mock, the public half's.
    let mut shown = outcome.end.grade.clone();
    if let (Some(mut recorder), Some(_)) = (recorder, &outcome.end.grade) {
        let run = recorder.run_id();
        match recorder.store().submit(run) {
            Ok(submission) => {
                if let Some(mock) = submission.mock_id {
                    shown = Some(submission.report);
                    if !json {
                        say(&format!(
                            "submitted to mock {mock}: the public half's score shows until it ends\n"
                        ));
                    }
                }
                if !json {
                    say(&format!("recorded as attempt {run} (see `dojo history`)\n"));
                }
            }
            Err(error) => eprintln!("warning: this run could not be saved: {error}"),
        }
    }
    if outcome.errors.is_empty() {
        if json {
            say(&format!(
                "{}\n",
                serde_json::json!({
                    "kind": "finished",
                    "steps": outcome.steps,
                    "model": outcome.model_summary,
                })
            ));
        } else if let Some(summary) = &outcome.model_summary {
            say(&format!("solution_model() returned {summary}\n"));
        }
        if let Some(grade) = &shown {
            print_grade(grade, json);
        }
        return Ok(ExitCode::SUCCESS);
    }
    for error in outcome.errors {
        if json {
            say(&format!(
                "{}\n",
                serde_json::json!({
                    "kind": "error",
                    "exception": error.kind,
                    "message": error.message,
                    "help": error.help,
                    "line": error.line,
                    "column": error.column,
                    "report": error.report,
                })
            ));
        } else {
            eprintln!("{}\n", error.report.trim_end());
        }
    }
    Ok(ExitCode::FAILURE)
}

/// Opens the history in the data directory; what opening had to do to a
/// damaged or empty file goes to standard error.
pub(crate) fn open_store() -> dojo_store::Result<dojo_store::Store> {
    let store = dojo_store::Store::open_default()?;
    if let Some(notice) = store.notice() {
        eprintln!("warning: {notice}");
    }
    Ok(store)
}

/// Reports, on standard error, the history rows a listing could not read.
pub(crate) fn warn_skipped(store: &dojo_store::Store) {
    for problem in store.take_skipped_rows() {
        eprintln!("warning: skipped an unreadable history row: {problem}");
    }
}

/// Starts recording a run in the store. A store that cannot be opened or
/// written costs the record, never the run: a warning says so.
fn start_recording(run: &dojo_store::NewRun) -> Option<RunRecorder<dojo_store::Store>> {
    let started = open_store().and_then(|store| RunRecorder::start(store, run));
    match started {
        Ok(recorder) => Some(recorder),
        Err(error) => {
            eprintln!("warning: this run will not be in the history: {error}");
            None
        }
    }
}

/// Prints the grader's verdict. A model the grader could not feed through
/// the task's contract scores 0 and its note says why (the program itself
/// ran fine).
fn print_grade(report: &dojo_protocol::GradeReport, json: bool) {
    if json {
        say(&format!(
            "{}\n",
            serde_json::json!({ "kind": "grade", "report": report })
        ));
    } else if let Some(reason) = dojo_engine::practice::ungradable_reason(report) {
        say(&format!("\nnot graded (score 0/5): {reason}\n"));
    } else {
        say(&format_grade(report));
    }
}

/// A grade report as text.
pub(crate) fn format_grade(report: &dojo_protocol::GradeReport) -> String {
    use std::fmt::Write as _;
    let accuracy = report.metric == dojo_protocol::Metric::Accuracy;
    let number = |value: f64| {
        if accuracy {
            format!("{value:.4}")
        } else {
            format!("{value:.3}")
        }
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\ngrade: {} {} on {} hidden examples: score {}/5",
        report.metric.label(),
        number(report.value),
        report.samples,
        report.score
    );
    let levels: Vec<String> = report
        .thresholds
        .levels
        .iter()
        .zip(2..)
        .map(|(level, score)| {
            format!(
                "{score}: {} {}",
                if accuracy { ">=" } else { "<=" },
                number(*level)
            )
        })
        .collect();
    let _ = writeln!(text, "thresholds: {}", levels.join(", "));
    for class in &report.classes {
        let _ = writeln!(
            text,
            "  {:<12} {:>5}/{:<5} {:.3}",
            class.label,
            class.correct,
            class.total,
            f64::from(class.correct) / f64::from(class.total.max(1))
        );
    }
    if !report.confusion.is_empty() {
        let _ = writeln!(text, "confusion (rows: true class, columns: predicted):");
        for row in &report.confusion {
            let cells: Vec<String> = row.iter().map(|count| format!("{count:>5}")).collect();
            let _ = writeln!(text, " {}", cells.join(""));
        }
    }
    for note in &report.notes {
        let _ = writeln!(text, "note: {note}");
    }
    text
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Tasks => {
            let tasks = dojo_engine::tasks::summaries();
            if cli.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&tasks)?)?;
            } else {
                for task in tasks {
                    writeln!(
                        out,
                        "{}  {:<24} {:<28} {:<9} {}",
                        task.exam_number,
                        task.id,
                        task.title,
                        task.metric.label(),
                        task.category.label()
                    )?;
                }
            }
        }
        Command::Task { id } => {
            let detail = dojo_engine::tasks::detail(dojo_engine::tasks::task(&id)?)?;
            if cli.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&detail)?)?;
            } else {
                writeln!(
                    out,
                    "{}. {}\n\n{}\n",
                    detail.summary.exam_number,
                    detail.summary.title,
                    detail.statement.trim_end()
                )?;
                writeln!(out, "Grader's input contract:")?;
                for item in &detail.contract {
                    writeln!(out, "  {}: {}", item.name, item.value)?;
                }
                let accuracy = detail.thresholds.metric == dojo_protocol::Metric::Accuracy;
                let levels: Vec<String> = detail
                    .thresholds
                    .levels
                    .iter()
                    .zip(2..)
                    .map(|(level, score)| {
                        format!("{score}: {} {level}", if accuracy { ">=" } else { "<=" })
                    })
                    .collect();
                writeln!(
                    out,
                    "\nScore ({}): {}; any valid model 1",
                    detail.thresholds.metric.label(),
                    levels.join(", ")
                )?;
            }
        }
        Command::Datasets => {
            let datasets = dojo_engine::datasets::attributions();
            if cli.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&datasets)?)?;
            } else {
                for dataset in datasets {
                    writeln!(
                        out,
                        "{} ({})\n  {}\n",
                        dataset.title, dataset.licence, dataset.attribution
                    )?;
                }
            }
        }
        Command::Info => {
            let device = ComputeDevice::select()?;
            let data_dir = dojo_store::data_dir()?;
            let info = dojo_protocol::AppInfo {
                version: dojo_engine::VERSION.to_owned(),
                device: device.description().to_owned(),
                compiled_backends: dojo_engine::device::compiled_backends(),
                database_path: data_dir
                    .join(dojo_store::DATABASE_FILE)
                    .display()
                    .to_string(),
                data_dir: data_dir.display().to_string(),
                store_notice: None,
            };
            if cli.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?;
            } else {
                writeln!(out, "version   {}", info.version)?;
                writeln!(out, "device    {}", info.device)?;
                writeln!(out, "backends  {}", info.compiled_backends.join(", "))?;
                writeln!(out, "data dir  {}", info.data_dir)?;
                writeln!(out, "database  {}", info.database_path)?;
            }
        }
        Command::Check { file } => {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let parsed = dojo_lang::parse(&source);
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            );
            let source_file = dojo_lang::SourceFile::new(name, source);
            if cli.json {
                let diagnostics: Vec<serde_json::Value> = parsed
                    .diagnostics
                    .iter()
                    .map(|diagnostic| {
                        let start = source_file.line_column(diagnostic.span.start);
                        serde_json::json!({
                            "kind": diagnostic.kind.label(),
                            "message": diagnostic.message,
                            "help": diagnostic.help,
                            "line": start.line,
                            "column": start.column,
                            "start": diagnostic.span.start,
                            "end": diagnostic.span.end,
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&diagnostics)?)?;
            } else if parsed.diagnostics.is_empty() {
                writeln!(out, "{}: no problems found", source_file.name)?;
            } else {
                for diagnostic in &parsed.diagnostics {
                    writeln!(out, "{}\n", source_file.render(diagnostic))?;
                }
                let count = parsed.diagnostics.len();
                writeln!(
                    out,
                    "{count} problem{} found",
                    if count == 1 { "" } else { "s" }
                )?;
            }
            if !parsed.is_runnable() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::History {
            action: Some(action),
            ..
        } => history::run(action, cli.json, &mut out)?,
        Command::Mock { action } => history::mock(action, cli.json, &mut out)?,
        Command::History { task, action: None } => {
            if let Some(task) = &task {
                dojo_engine::tasks::task(task)?;
            }
            let store = open_store()?;
            let attempts = store.attempts(task.as_deref())?;
            warn_skipped(&store);
            if cli.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&attempts)?)?;
            } else if attempts.is_empty() {
                writeln!(out, "no attempts yet")?;
            } else {
                writeln!(
                    out,
                    "{:>5}  {:<22}  {:<11}  {:<16}  {:>8}  {:>5}  final metrics",
                    "run", "task", "status", "started (UTC)", "time", "score"
                )?;
                for attempt in &attempts {
                    writeln!(out, "{}", history_line(attempt))?;
                }
            }
        }
        Command::Run {
            file,
            task,
            max_epochs,
            max_steps,
            dry_run,
            seed,
            figures,
        } => {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let request = RunRequest {
                file,
                source,
                task,
                max_epochs,
                max_steps,
                dry_run,
                seed,
                figures,
            };
            return run_program(request, cli.json);
        }
        Command::Data { task, out: folder } => {
            let task = dojo_engine::tasks::task(&task)?;
            let (data, _) = dojo_engine::taskdata::task_data(task)?;
            for file in &data.files {
                let path = folder.join(file.path.trim_start_matches('/'));
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                std::fs::write(&path, &*file.bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            let urls: serde_json::Map<String, serde_json::Value> = data
                .urls
                .iter()
                .map(|(url, path)| (url.clone(), serde_json::Value::from(path.clone())))
                .collect();
            std::fs::write(
                folder.join("urls.json"),
                serde_json::to_string_pretty(&urls)?,
            )
            .with_context(|| format!("cannot write {}", folder.join("urls.json").display()))?;
            writeln!(
                out,
                "wrote {} files of {} under {}",
                data.files.len(),
                task.id,
                folder.display()
            )?;
        }
        Command::Bench {
            suite,
            runs,
            samples,
            epochs,
            only,
            out: report_file,
            child,
        } => match suite {
            BenchSuite::Interpreter => {
                if samples.is_some() || epochs.is_some() || only.is_some() || report_file.is_some()
                {
                    anyhow::bail!("--samples, --epochs, --only and --out apply to `bench models`");
                }
                let result = dojo_engine::bench::interpreter(runs.unwrap_or(7))?;
                if cli.json {
                    writeln!(out, "{}", serde_json::to_string_pretty(&result)?)?;
                } else {
                    writeln!(
                        out,
                        "interpreter, median of {} runs: sunspots CSV ({} rows) {:.1} ms; CSV + windowing + one epoch ({} batches) {:.1} ms",
                        result.runs,
                        result.csv_rows,
                        result.csv_median_ms,
                        result.batches,
                        result.csv_and_window_median_ms
                    )?;
                }
            }
            BenchSuite::History => {
                if epochs.is_some() || only.is_some() || child {
                    anyhow::bail!("--epochs and --only apply to `bench models`");
                }
                // `--samples N`: a database of N runs instead of 10,000 (CI's smoke run).
                let result = bench_history::run(samples.unwrap_or(10_000), runs.unwrap_or(7))?;
                let json = serde_json::to_string_pretty(&result)?;
                if let Some(path) = &report_file {
                    std::fs::write(path, &json)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                if cli.json {
                    writeln!(out, "{json}")?;
                } else {
                    writeln!(
                        out,
                        "history, {} runs (filled in {:.1} s), median of {}: first page {:.2} ms, by score {:.2} ms, one task scored 3+ {:.2} ms; attempt detail {:.2} ms",
                        result.runs,
                        result.fill_s,
                        result.repetitions,
                        result.first_page_median_ms,
                        result.first_page_by_score_median_ms,
                        result.filtered_page_median_ms,
                        result.detail_median_ms
                    )?;
                }
            }
            BenchSuite::Memory => {
                let cases = bench_memory::run(samples.map_or(1024, |mib| mib as u64))?;
                if cli.json {
                    writeln!(out, "{}", serde_json::to_string_pretty(&cases)?)?;
                } else {
                    for case in &cases {
                        writeln!(
                            out,
                            "{:<16} {:<12} budget {:>6.0} MiB, peak held {:>7.1} MiB, peak RSS +{:>7.1} MiB, {:.1} s",
                            case.name,
                            case.outcome,
                            case.budget_mib,
                            case.peak_held_mib,
                            case.peak_rss_growth_mib,
                            case.seconds
                        )?;
                    }
                }
            }
            BenchSuite::Models => {
                let settings = dojo_engine::bench::models::Settings { samples, epochs };
                if let (true, Some(name)) = (child, &only) {
                    writeln!(out, "{}", bench_models::child(name, settings)?)?;
                    return Ok(ExitCode::SUCCESS);
                }
                let report = bench_models::run(&bench_models::Request {
                    runs: runs.unwrap_or(3),
                    settings,
                    only: only.as_deref(),
                })?;
                let json = serde_json::to_string_pretty(&report)?;
                if let Some(path) = &report_file {
                    std::fs::write(path, &json)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
                if cli.json {
                    writeln!(out, "{json}")?;
                } else {
                    write!(out, "{}", bench_models::table(&report))?;
                }
            }
        },
        Command::DeviceCheck { steps } => {
            let device = ComputeDevice::select()?;
            let (sender, receiver) = mpsc::channel();
            JobRunner::new()
                .start(DeviceCheck { steps, device }, move |event| {
                    let _ = sender.send(event);
                })
                .context("starting the device check")?;
            let mut failed = false;
            for event in receiver {
                if cli.json {
                    writeln!(out, "{}", serde_json::to_string(&event)?)?;
                    failed |= matches!(event, JobEvent::Failed { .. });
                    continue;
                }
                match event {
                    JobEvent::Started {
                        device,
                        total_steps,
                        ..
                    } => writeln!(out, "training {total_steps} steps on {device}")?,
                    JobEvent::Progress {
                        step,
                        total_steps,
                        loss,
                        ..
                    } => writeln!(out, "step {step}/{total_steps}  loss {loss:.5}")?,
                    JobEvent::Finished {
                        steps,
                        final_loss,
                        elapsed_ms,
                        gflops,
                    } => writeln!(
                        out,
                        "finished {steps} steps in {:.2} s, final loss {final_loss:.5}, {gflops:.1} GFLOP/s",
                        elapsed_ms as f64 / 1000.0
                    )?,
                    JobEvent::Cancelled { step, .. } => writeln!(out, "cancelled at step {step}")?,
                    JobEvent::Failed { message } => {
                        failed = true;
                        writeln!(out, "failed: {message}")?
                    }
                }
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One attempt as a `dojo history` line.
pub(crate) fn history_line(attempt: &dojo_protocol::AttemptSummary) -> String {
    let status = serde_json::to_value(attempt.status)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    let time = attempt.ended_at.map_or_else(
        || "-".to_owned(),
        |ended| format!("{:.1} s", (ended - attempt.started_at) as f64 / 1000.0),
    );
    let score = attempt
        .score
        .map_or_else(|| "-".to_owned(), |score| format!("{score}/5"));
    let metrics: Vec<String> = attempt
        .final_logs
        .iter()
        .map(|(key, value)| format!("{key} {value:.4}"))
        .collect();
    let metrics = match (&attempt.error, metrics.is_empty()) {
        (Some(error), true) => error.lines().next().unwrap_or_default().to_owned(),
        _ => metrics.join(", "),
    };
    format!(
        "{:>5}  {:<22}  {:<11}  {:<16}  {:>8}  {:>5}  {metrics}",
        attempt.run_id.0,
        attempt.task_id,
        status,
        utc_minute(attempt.started_at),
        time,
        score
    )
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM` (UTC), by the civil-from-days
/// algorithm (Howard Hinnant's), so no date crate is needed.
pub(crate) fn utc_minute(unix_ms: i64) -> String {
    let seconds = unix_ms.div_euclid(1000);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc_minute;

    #[test]
    fn utc_minutes_match_known_dates() {
        // `date -u -d @0`, `date -u -d @951782400` (a leap day), `date -u -d @1795759200`.
        assert_eq!(utc_minute(0), "1970-01-01 00:00");
        assert_eq!(utc_minute(951_782_400_000), "2000-02-29 00:00");
        assert_eq!(utc_minute(1_795_759_200_000), "2026-11-27 06:00");
    }
}
