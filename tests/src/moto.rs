//! A local AWS emulator (moto server) for the AWS adapters' tests.
//!
//! One server per test process, started on first use and shared by every test of the process
//! (under nextest, each test is its own process and so gets its own server). It listens on a
//! free port of 127.0.0.1 chosen by the system, and stops by itself when the test process ends,
//! however it ends: it watches its standard input, whose other end only this process holds.
//!
//! The tools come from `$TUILERIE_TOOLS`, else `<repo root>/.venv/bin` (installed by
//! `scripts/test`).
#![allow(clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use tokio::sync::OnceCell;

/// Starts moto's server the way `moto_server` does, but on a port the system picks (printed on
/// the first line), and exits when standard input closes.
///
/// DynamoDB requests are handled one at a time. moto serves each request on its own thread and
/// its DynamoDB backend takes no lock: a conditional write checks its condition, then parses
/// and applies its update expression, and another thread can run in between (two reservations
/// both see `held = 99 MiB`, both pass `held <= 99 MiB`, both add); a cancelled transaction
/// restores a copy of the whole table taken when it began, erasing what other threads wrote
/// meanwhile. DynamoDB itself applies conditional writes and transactions atomically, so the
/// emulator must too. Step Functions requests are serialised for the same reason: two
/// `StartExecution` calls of one name must not both create an execution, as on AWS. Other
/// services stay concurrent (an SQS long poll must not block them).
const LAUNCHER: &str = r#"
import os, sys, threading
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication, MotoRequestHandler, create_backend_app)

moto = DomainDispatcherApplication(create_backend_app)
serial = threading.Lock()

def app(environ, start_response):
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith(("DynamoDB", "AWSStepFunctions")):
        with serial:
            return list(moto(environ, start_response))
    return moto(environ, start_response)

server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
print(server.server_port, flush=True)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
"#;

/// How long the server may take to answer after its start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The server of this process.
static SERVER: OnceCell<Server> = OnceCell::const_new();

/// Names made unique within the process.
static NAMES: AtomicU64 = AtomicU64::new(0);

struct Server {
    endpoint: String,
    /// Kept so the server lives as long as the process; dropping it would stop the server.
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
}

/// A handle on the emulator of this test process.
#[derive(Debug, Clone)]
pub struct Moto {
    endpoint: String,
}

/// The directory of the Python test tools.
pub fn tools_dir() -> PathBuf {
    let dir = match std::env::var_os("TUILERIE_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin"),
    };
    if !dir.join("moto_server").is_file() {
        panic!(
            "moto_server not found in {}: run scripts/test to install the test tools",
            dir.display()
        );
    }
    dir
}

/// The Python interpreter `moto_server` runs with (from its `#!` line), else the one beside it.
fn python(tools: &Path) -> PathBuf {
    let script = std::fs::read_to_string(tools.join("moto_server")).unwrap_or_default();
    script
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#!"))
        .map(|line| PathBuf::from(line.trim()))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| tools.join("python"))
}

fn spawn() -> Server {
    let tools = tools_dir();
    let python = python(&tools);
    let mut child = Command::new(&python)
        .arg("-c")
        .arg(LAUNCHER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot start moto with {} ({error}): run scripts/test to install the test tools",
                python.display()
            )
        });
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("moto's first line");
    let port: u16 = first.trim().parse().unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("moto did not start (printed {first:?}): run scripts/test to install the test tools")
    });
    let endpoint = format!("http://127.0.0.1:{port}");
    wait_until_ready(port, &mut child);
    Server {
        endpoint,
        _child: Mutex::new(child),
        _stdin: Mutex::new(stdin),
    }
}

/// Waits until `GET /moto-api/` answers 200.
fn wait_until_ready(port: u16, child: &mut Child) {
    let started = Instant::now();
    loop {
        if answers(port) {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("moto exited during its start with {status}");
        }
        if started.elapsed() > START_TIMEOUT {
            let _ = child.kill();
            panic!("moto did not answer on port {port} within {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

impl Moto {
    /// The emulator of this process, started on first call.
    pub async fn start() -> Moto {
        let server = SERVER
            .get_or_init(|| async {
                tokio::task::spawn_blocking(spawn)
                    .await
                    .expect("moto start")
            })
            .await;
        Moto {
            endpoint: server.endpoint.clone(),
        }
    }

    /// Its URL, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// SDK configuration pointing at the emulator: region us-east-1, static test credentials.
    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .load()
            .await
    }

    /// A DynamoDB client on the emulator.
    pub async fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config().await)
    }

    /// A name no other test of this process uses, e.g. for a table or a bucket:
    /// `<prefix>-<process id>-<counter>`.
    pub fn unique_name(&self, prefix: &str) -> String {
        let count = NAMES.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}-{}-{count}", std::process::id())
    }
}
