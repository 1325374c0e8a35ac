//! Which process a `running` row belongs to, and whether it is still alive.
//!
//! A run records its owner when it starts: `linux:<pid>:<start time>` on
//! Linux (the start time, in clock ticks since boot from `/proc`, tells a
//! reused pid apart), `unix:<pid>` elsewhere on Unix, `pid:<pid>` on other
//! systems. A `running` row whose owner is gone was cut off (`kill -9`, a
//! crash, a power cut) and becomes `interrupted`; a row of a live process
//! (the app and `dojo run` side by side) is left alone.

/// The identity of this process, as [`Store::start_run`](crate::Store::start_run) records it.
pub(crate) fn this_process() -> String {
    let pid = std::process::id();
    if cfg!(target_os = "linux") {
        if let Some(started) = start_time(pid) {
            return format!("linux:{pid}:{started}");
        }
    } else if cfg!(unix) {
        return format!("unix:{pid}");
    }
    format!("pid:{pid}")
}

#[cfg(target_os = "linux")]
fn start_time(pid: u32) -> Option<u64> {
    linux_start_time(pid)
}

#[cfg(not(target_os = "linux"))]
fn start_time(_: u32) -> Option<u64> {
    None
}

/// Whether the process that `owner` names may still be running. Unknown
/// forms, and systems where liveness cannot be asked, answer yes: a row is
/// only marked when its owner is known to be gone.
pub(crate) fn is_alive(owner: &str) -> bool {
    let mut parts = owner.split(':');
    let kind = parts.next().unwrap_or_default();
    let Some(pid) = parts.next().and_then(|pid| pid.parse::<u32>().ok()) else {
        return true;
    };
    match kind {
        #[cfg(target_os = "linux")]
        "linux" => {
            let recorded = parts.next().and_then(|start| start.parse::<u64>().ok());
            linux_stat(pid).is_some_and(|(state, started)| {
                Some(started) == recorded && !matches!(state, 'Z' | 'X')
            })
        }
        #[cfg(unix)]
        "unix" => unix_alive(pid),
        _ => true,
    }
}

/// Field 22 of `/proc/<pid>/stat`: when the process started, in clock
/// ticks after boot. `None` if there is no such process.
#[cfg(target_os = "linux")]
fn linux_start_time(pid: u32) -> Option<u64> {
    linux_stat(pid).map(|(_, started)| started)
}

/// Fields 3 (the state: `Z` for a zombie, an ended process its parent has
/// not reaped yet, `X` for a dead one) and 22 (the start time) of
/// `/proc/<pid>/stat`. `None` if there is no such process.
#[cfg(target_os = "linux")]
fn linux_stat(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    // Fields 4 onwards: field 22 is the 19th of them.
    let started = fields.nth(18)?.parse().ok()?;
    Some((state, started))
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn unix_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: `kill` with signal 0 sends nothing; it only checks whether
    // the process exists and may be signalled.
    let answer = unsafe { libc::kill(pid, 0) };
    answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_finished_child_is_not() {
        assert!(is_alive(&this_process()));
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        #[cfg(target_os = "linux")]
        let owner = format!("linux:{pid}:{}", linux_start_time(pid).unwrap_or(0));
        #[cfg(not(target_os = "linux"))]
        let owner = format!("unix:{pid}");
        child.wait().unwrap();
        assert!(!is_alive(&owner), "{owner} exited");
        // The same pid with another start time is another process.
        #[cfg(target_os = "linux")]
        assert!(!is_alive(&format!("linux:{}:1", std::process::id())));
        assert!(is_alive("something else"));
    }

    /// A process that has ended but is not reaped yet (its parent has not
    /// waited, or was killed and init has not got to it) is a zombie: its
    /// `/proc` entry and start time are still there, but it is gone.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unreaped_process_is_not_alive() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let owner = format!("linux:{pid}:{}", linux_start_time(pid).unwrap_or(0));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while linux_stat(pid).is_some_and(|(state, _)| state != 'Z') {
            assert!(
                std::time::Instant::now() < deadline,
                "the child never ended"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(linux_stat(pid).map(|(state, _)| state), Some('Z'));
        assert!(!is_alive(&owner), "{owner} is a zombie");
        child.wait().unwrap();
    }
}
