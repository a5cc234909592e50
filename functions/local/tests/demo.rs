//! `tuilerie serve --demo` prints `curl` commands that work exactly as printed, and seeding
//! again on the same data directory keeps the same demo workspace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `tuilerie serve --demo`, stopped when dropped.
struct Server {
    child: Child,
    output: Vec<String>,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tuilerie"))
            .args(["serve", "--demo", "--port", "0", "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut output = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.contains("Press Ctrl-C to stop.");
            output.push(line);
            if done {
                break;
            }
        }
        assert!(
            output
                .iter()
                .any(|line| line.contains("Press Ctrl-C to stop.")),
            "the server did not start: {output:?}"
        );
        Server { child, output }
    }

    fn commands(&self) -> Vec<&str> {
        self.output
            .iter()
            .map(String::as_str)
            .filter(|line| line.starts_with("curl "))
            .collect()
    }

    fn workspace(&self) -> String {
        let line = self
            .output
            .iter()
            .find(|line| line.starts_with("Demo seeded"))
            .unwrap();
        let start = line.find("(ws_").unwrap() + 1;
        let end = start + line[start..].find(')').unwrap();
        line[start..end].to_owned()
    }
}

impl Server {
    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "the server exited with {status}");
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the server did not stop within 5 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a printed command as a shell would, returning the HTTP status curl saw.
fn run(command: &str) -> u16 {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} -o /dev/null -w '%{{http_code}}'"))
        .output()
        .unwrap_or_else(|error| panic!("cannot run sh: {error}"));
    assert!(
        output.status.success(),
        "`{command:.120}` failed (is curl installed?): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// Runs a printed command and answers what it printed.
fn body(command: &str) -> String {
    let output = Command::new("sh").arg("-c").arg(command).output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_printed_curl_commands_work_as_printed_and_seeding_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = Server::start(&data);
    let commands = first.commands();
    assert!(commands.len() >= 6, "too few commands: {:?}", first.output);
    // The demo dataset visibly reaches a pyramid, followed with the printed commands.
    let (upload, pyramid) = (commands[0], commands[1]);
    assert!(upload.contains("/uploads/up_") && pyramid.contains("/pyramids/py_"));
    let mut generated = false;
    for _ in 0..600 {
        let answer = body(pyramid);
        assert!(!answer.contains("\"failed\""), "{answer}");
        if answer.contains("\"generated\"") {
            generated = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        generated,
        "the demo pyramid was not generated: {}",
        body(upload)
    );
    assert!(body(upload).contains("\"integrated\""));
    for command in &commands {
        let status = run(command);
        assert!(
            (200..300).contains(&status),
            "`{command:.120}` answered {status}"
        );
    }
    let workspace = first.workspace();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("records.sqlite"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the records are private");
    }
    first.stop();

    let second = Server::start(&data);
    assert_eq!(
        second.workspace(),
        workspace,
        "seeding again made a new workspace"
    );
    for command in second.commands() {
        let status = run(command);
        assert!(
            (200..300).contains(&status),
            "`{command:.120}` answered {status} on the second run"
        );
    }
    assert!(data.join("records.sqlite").is_file());
    assert!(data.join("jwt-secret").is_file());
}

#[test]
fn tokens_from_the_token_command_are_accepted_by_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_tuilerie"))
        .args(["token", "--email", "Zoe@Example.org", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let server = Server::start(&data);
    let url = server
        .output
        .iter()
        .find_map(|line| line.strip_prefix("Tuilerie is listening on "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let me = format!("curl -sS '{url}/me' -H 'Authorization: Bearer {token}'");
    assert_eq!(run(&me), 200);
    let bad = format!("curl -sS '{url}/me' -H 'Authorization: Bearer {token}x'");
    assert_eq!(run(&bad), 401);
}

#[test]
fn token_lifetimes_outside_one_day_to_ten_years_are_refused_with_the_bounds() {
    let dir = tempfile::tempdir().unwrap();
    for days in ["0", "-1", "3651", "9223372036854775807"] {
        let output = Command::new(env!("CARGO_BIN_EXE_tuilerie"))
            .args([
                "token",
                "--email",
                "zoe@example.org",
                &format!("--days={days}"),
                "--data",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--days {days} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("1..=3650"), "--days {days}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}
