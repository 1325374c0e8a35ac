//! A harness that runs the real Dojo desktop app in a real window and drives
//! it through WebDriver.
//!
//! Each [`Session`] starts its own Xvfb display and its own `tauri-driver`
//! (which launches `WebKitWebDriver`, which launches the app binary), with a
//! fresh temporary `DOJO_DATA_DIR`. Everything it started runs in one
//! process group per program and is stopped with SIGTERM when the session
//! ends, even when a test fails or panics (SIGKILL would leave Xvfb's lock
//! file behind). A failing scenario saves a screenshot of the window to
//! [`artifacts_dir`]; [`Session::screenshot`] saves one on request.
//!
//! Requirements (installed by `.ci/setup`): `Xvfb`, `WebKitWebDriver`
//! (Debian's `webkit2gtk-driver`), `tauri-driver`, ImageMagick's `import`
//! for screenshots, and the app binary built
//! with its UI (`.ci/test` builds it). Missing pieces are reported by name.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
pub use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

pub use fantoccini;

/// How long to wait for something to appear in the window.
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one WebDriver request may take before the test fails instead of hanging.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(45);

/// Runs one WebDriver request with [`REQUEST_TIMEOUT`], naming it if it hangs.
async fn request<T, E: std::error::Error + Send + Sync + 'static>(
    what: impl std::fmt::Display,
    future: impl std::future::Future<Output = std::result::Result<T, E>>,
) -> Result<T> {
    match tokio::time::timeout(REQUEST_TIMEOUT, future).await {
        Ok(result) => result.with_context(|| format!("{what} failed")),
        Err(_) => bail!("{what} got no answer within {REQUEST_TIMEOUT:?}"),
    }
}

/// Where screenshots go: `$DOJO_E2E_ARTIFACTS`, else `tests/artifacts`.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("DOJO_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("tests").join("artifacts"))
}

/// The repository root: from cargo's `CARGO_MANIFEST_DIR` at run time (a
/// test binary reused from a warm target directory may have been compiled
/// in another checkout), else the one compiled in.
fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// The app binary: `$DOJO_APP_BINARY`, else `dojo-app` in the cargo target
/// directory's debug profile.
pub fn app_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("DOJO_APP_BINARY") {
        return Ok(PathBuf::from(path));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let path = target_dir.join("debug").join("dojo-app");
    if !path.exists() {
        bail!(
            "the app binary {} does not exist; build it first with `cargo build -p dojo-app` \
             after `trunk build --config ui/Trunk.toml` (or run `bash .ci/test`)",
            path.display()
        );
    }
    Ok(path)
}

fn find_program(name: &str, extra_dirs: &[PathBuf]) -> Result<PathBuf> {
    let path_dirs = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    path_dirs
        .iter()
        .chain(extra_dirs)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .with_context(|| format!("`{name}` is not installed (run `bash .ci/setup`)"))
}

/// A child process stopped with SIGTERM (to its whole process group) on drop.
struct Guarded {
    name: &'static str,
    child: Child,
}

impl Guarded {
    fn spawn(name: &'static str, command: &mut Command) -> Result<Guarded> {
        use std::os::unix::process::CommandExt;
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        Ok(Guarded { name, child })
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if !self.is_running() {
            return;
        }
        // The negative pid addresses the process group: tauri-driver's
        // WebKitWebDriver and the app go with it.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.is_running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if self.is_running() {
            eprintln!("{} ignored SIGTERM; killing it", self.name);
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free local port")?;
    Ok(listener.local_addr()?.port())
}

fn wait_for_port(port: u16, process: &mut Guarded, timeout: Duration) -> Result<()> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if !process.is_running() {
            bail!("{} exited before listening on port {port}", process.name);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!(
        "{} did not listen on port {port} within {timeout:?}",
        process.name
    )
}

/// Starts Xvfb on the first free display from :90.
fn start_xvfb() -> Result<(Guarded, String)> {
    let xvfb = find_program("Xvfb", &[])?;
    for number in 90..190 {
        if Path::new(&format!("/tmp/.X{number}-lock")).exists() {
            continue;
        }
        let display = format!(":{number}");
        let mut process = Guarded::spawn(
            "Xvfb",
            Command::new(&xvfb)
                .args([
                    display.as_str(),
                    "-screen",
                    "0",
                    "1280x820x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && process.is_running() && !socket.exists() {
            std::thread::sleep(Duration::from_millis(50));
        }
        if socket.exists() && process.is_running() {
            return Ok((process, display));
        }
        // Another server took this display between our check and its start; try the next.
    }
    bail!("Xvfb could not start on any display from :90 to :189")
}

/// One running app, its window, and the WebDriver client driving it.
pub struct Session {
    client: Option<Client>,
    /// Shared so a later session can reopen the same data (see [`Session::start_in`]).
    pub data_dir: std::sync::Arc<tempfile::TempDir>,
    /// The X display the app runs on, e.g. `:90`.
    pub display: String,
    // Dropped after the client, in this order: driver, then display.
    _driver: Guarded,
    _display: Guarded,
}

impl Session {
    /// Launches the app in a new window with an empty data directory.
    pub async fn start() -> Result<Session> {
        let data_dir = tempfile::Builder::new().prefix("dojo-e2e-").tempdir()?;
        Session::start_in(std::sync::Arc::new(data_dir)).await
    }

    /// Launches the app on an existing data directory, as a user reopening
    /// the app would.
    /// Starting is retried (fresh display and driver, same data) when the
    /// driver does not answer: on a loaded 2-core machine, tauri-driver has
    /// been seen to accept its port and then drop the first session request.
    pub async fn start_in(data_dir: std::sync::Arc<tempfile::TempDir>) -> Result<Session> {
        Session::start_with(data_dir, &[]).await
    }

    /// [`Session::start_in`] with more environment for the app, e.g. the
    /// debug build's `DOJO_TEST_CLOCK_OFFSET_MS`, which moves its clock.
    pub async fn start_with(
        data_dir: std::sync::Arc<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> Result<Session> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            match Session::try_start_in(data_dir.clone(), env).await {
                Ok(session) => return Ok(session),
                Err(error) if attempt < ATTEMPTS => {
                    eprintln!(
                        "starting the app, attempt {attempt} of {ATTEMPTS}: {error:#}; retrying"
                    );
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn try_start_in(
        data_dir: std::sync::Arc<tempfile::TempDir>,
        env: &[(&str, &str)],
    ) -> Result<Session> {
        let app = app_binary()?;
        let home_bin = std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".cargo/bin"))
            .into_iter()
            .collect::<Vec<_>>();
        let tauri_driver = find_program("tauri-driver", &home_bin)?;
        let native_driver = find_program("WebKitWebDriver", &[PathBuf::from("/usr/bin")])?;
        let (display_process, display) = start_xvfb()?;

        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new(&tauri_driver);
        command.envs(env.iter().copied());
        let mut driver = Guarded::spawn(
            "tauri-driver",
            command
                .arg("--port")
                .arg(port.to_string())
                .arg("--native-port")
                .arg(native_port.to_string())
                .arg("--native-driver")
                .arg(&native_driver)
                .env("DISPLAY", &display)
                .env("DOJO_DATA_DIR", data_dir.path())
                .env("DOJO_DEVICE", "cpu")
                // Keeps WebKit from trying GPU compositing on a virtual display.
                .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
                .env("LIBGL_ALWAYS_SOFTWARE", "1"),
        )?;
        wait_for_port(port, &mut driver, Duration::from_secs(20))?;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".to_owned(),
            serde_json::json!({ "application": app }),
        );
        capabilities.insert("browserName".to_owned(), serde_json::json!("wry"));
        let client = request(
            "opening a WebDriver session with the app",
            ClientBuilder::native()
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await?;
        let session = Session {
            client: Some(client),
            data_dir,
            display,
            _driver: driver,
            _display: display_process,
        };
        // The UI is mounted once the navigation exists.
        session.wait_for("#nav-tasks").await?;
        Ok(session)
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        // Only `close` takes the client, and it consumes the session.
        self.client
            .as_ref()
            .unwrap_or_else(|| unreachable!("client taken before close"))
    }

    /// Waits for an element matching the CSS selector.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        request(
            format_args!("waiting for `{css}` (at most {UI_TIMEOUT:?})"),
            self.client()
                .wait()
                .at_most(UI_TIMEOUT)
                .for_element(Locator::Css(css)),
        )
        .await
    }

    /// The value of an attribute of the element matching the CSS selector.
    pub async fn attribute(&self, css: &str, attribute: &str) -> Result<Option<String>> {
        let element = self.wait_for(css).await?;
        request(
            format_args!("reading {attribute} of `{css}`"),
            element.attr(attribute),
        )
        .await
    }

    /// Replaces the text of the input matching the CSS selector.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        request(format_args!("clearing `{css}`"), element.clear()).await?;
        request(format_args!("typing into `{css}`"), element.send_keys(text)).await
    }

    /// Waits until the code editor (Monaco) is open in the workspace.
    pub async fn wait_for_editor(&self) -> Result<Element> {
        self.wait_for("#editor[data-ready]").await
    }

    /// Replaces the code editor's text as if the user had selected all and
    /// pasted: one undoable edit through Monaco, which the UI hears as typing.
    pub async fn set_editor(&self, code: &str) -> Result<()> {
        self.wait_for_editor().await?;
        self.editor_script(
            "setting the editor's code",
            "const model = editor.getModel();
             editor.pushUndoStop();
             editor.executeEdits('paste', [{ range: model.getFullModelRange(), text: arguments[0] }]);
             editor.pushUndoStop();",
            vec![serde_json::Value::from(code)],
        )
        .await
        .map(drop)
    }

    /// The code editor's whole text ("" before the editor is open).
    pub async fn editor_text(&self) -> Result<String> {
        let value = self
            .editor_script(
                "reading the editor's code",
                "return editor.getValue();",
                vec![],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The lines of the problems the editor marks (Monaco's markers).
    pub async fn editor_marker_lines(&self) -> Result<Vec<u32>> {
        let value = self
            .editor_script(
                "reading the editor's markers",
                "return monaco.editor.getModelMarkers({ resource: editor.getModel().uri })
                     .map((marker) => marker.startLineNumber);",
                vec![],
            )
            .await?;
        Ok(value
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(|line| line.as_u64().and_then(|line| u32::try_from(line).ok()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Puts the caret in the code editor at a 1-based line and column and
    /// focuses it, as a click there would.
    pub async fn focus_editor_at(&self, line: u32, column: u32) -> Result<()> {
        self.wait_for_editor().await?;
        self.editor_script(
            "placing the caret in the editor",
            "editor.setPosition({ lineNumber: arguments[0], column: arguments[1] });
             editor.revealPosition({ lineNumber: arguments[0], column: arguments[1] });
             editor.focus();",
            vec![line.into(), column.into()],
        )
        .await
        .map(drop)
    }

    /// Types `text` key by key into whatever has the focus, as a person
    /// would (real key events through WebDriver's input actions).
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        self.type_keys_paced(text, Duration::ZERO).await
    }

    /// Types `text` with `pause` after each key (a typist's pace).
    pub async fn type_keys_paced(&self, text: &str, pause: Duration) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".to_owned());
        for key in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
            if !pause.is_zero() {
                keys = keys.pause(pause);
            }
        }
        self.perform(keys, format_args!("typing {text:?}")).await
    }

    /// Presses `key` with the `modifiers` held (`Key::Control`, ...).
    pub async fn chord(&self, modifiers: &[Key], key: char) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".to_owned());
        for modifier in modifiers {
            keys = keys.then(KeyAction::Down {
                value: char::from(*modifier),
            });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        for modifier in modifiers.iter().rev() {
            keys = keys.then(KeyAction::Up {
                value: char::from(*modifier),
            });
        }
        self.perform(keys, format_args!("pressing {modifiers:?} + {key:?}"))
            .await
    }

    async fn perform(&self, keys: KeyActions, what: std::fmt::Arguments<'_>) -> Result<()> {
        let what = what.to_string();
        request(&what, self.client().perform_actions(keys)).await?;
        request(&what, self.client().release_actions()).await
    }

    /// Runs `body` with `editor` bound to the workspace's Monaco editor
    /// (`null` when none is open, which reads as an empty result).
    pub async fn editor_script(
        &self,
        what: &str,
        body: &str,
        arguments: Vec<serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let script = format!(
            "const editor = self.monaco && monaco.editor.getEditors()[0];
             if (!editor) {{ return null; }}
             {body}"
        );
        request(what, self.client().execute(&script, arguments)).await
    }

    /// A numeric attribute of the element matching the CSS selector (0 when
    /// missing or not a number).
    pub async fn number(&self, css: &str, attribute: &str) -> Result<f64> {
        let value = self.attribute(css, attribute).await?.unwrap_or_default();
        Ok(value.trim().parse().unwrap_or(0.0))
    }

    /// Every element matching the CSS selector, now.
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        request(
            format_args!("finding `{css}`"),
            self.client().find_all(Locator::Css(css)),
        )
        .await
    }

    /// Clicks the element matching the CSS selector once it exists.
    pub async fn click(&self, css: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        request(format_args!("clicking `{css}`"), element.click()).await
    }

    /// The visible text of the element matching the CSS selector.
    pub async fn text(&self, css: &str) -> Result<String> {
        let element = self.wait_for(css).await?;
        request(format_args!("reading the text of `{css}`"), element.text()).await
    }

    /// Polls `condition` until it returns `Some`, or fails after `timeout`
    /// with `what` and the last observation.
    pub async fn eventually<T, F, Fut>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: F,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let last = condition().await;
            match last {
                Ok(Some(value)) => return Ok(value),
                Ok(None) | Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Ok(None) => bail!("{what}: not true within {timeout:?}"),
                Err(error) => {
                    return Err(error.context(format!("{what}: not true within {timeout:?}")));
                }
            }
        }
    }

    /// Saves a PNG screenshot of the app's display as `<artifacts>/<name>.png`.
    ///
    /// The picture is taken from the X server (ImageMagick's `import`), so it
    /// shows the real window as a person would see it. (WebKitWebDriver's own
    /// screenshot command was seen to hang under Xvfb.)
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        let import = find_program("import", &[])?;
        let mut command = tokio::process::Command::new(import);
        command
            .args(["-display", &self.display, "-window", "root"])
            .arg(&path)
            .kill_on_drop(true);
        let status = request(format_args!("screenshot {name}"), command.status()).await?;
        if !status.success() {
            bail!("`import` could not take the screenshot {name} ({status})");
        }
        Ok(path)
    }

    /// Runs a scenario; if it fails, saves `<name>-failure.png` first. The
    /// session is closed either way.
    pub async fn run<F>(self, name: &str, scenario: F) -> Result<()>
    where
        F: AsyncFnOnce(&Session) -> Result<()>,
    {
        let outcome = scenario(&self).await;
        if let Err(error) = &outcome {
            match self.screenshot(&format!("{name}-failure")).await {
                Ok(path) => eprintln!("{name} failed: {error:#}\nscreenshot: {}", path.display()),
                Err(shot_error) => {
                    eprintln!("{name} failed: {error:#}\n(no screenshot: {shot_error:#})")
                }
            }
        }
        self.close().await;
        outcome
    }

    /// Ends the WebDriver session (which closes the app), then stops the
    /// driver and the display.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
    }
}
