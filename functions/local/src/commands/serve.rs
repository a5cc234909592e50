//! `tuilerie serve`: the whole API on 127.0.0.1, with its data in one directory.

mod demo;

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use anyhow::Context;
use tuilerie_api::LocalAuthenticator;
use tuilerie_app::{App, Config};

use super::token::load_or_create_secret;

/// Name of the SQLite file in the data directory.
pub const RECORDS_FILE: &str = "records.sqlite";

/// Arguments of `tuilerie serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory holding the records, the stored files and the token secret.
    #[arg(long, default_value = ".data")]
    data: PathBuf,
    /// Port to listen on, on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seed a demo workspace, upload a demo dataset into it and print ready-to-paste `curl`
    /// commands.
    #[arg(long)]
    demo: bool,
    /// How many pipeline jobs run at once (each tiles on every core); others wait, queued.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
}

/// Runs `tuilerie serve` until interrupted.
pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let secret = load_or_create_secret(&args.data)?;
    let app = App::build(Config::Local {
        records: args.data.join(RECORDS_FILE),
        secret: secret.clone(),
        data: args.data.clone(),
        jobs: args.jobs.clamp(1, 64),
    })
    .await?;
    private_files(&args.data)?;
    let authenticator = LocalAuthenticator::new(&secret);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, args.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let url = format!("http://{}", listener.local_addr()?);
    let resumed = app.listening_on(&url).await?;
    if resumed > 0 {
        tracing::info!(resumed, "jobs under way at the last stop resumed");
    }
    let mut out = std::io::stdout().lock();
    let mut demo_upload = None;
    if args.demo {
        let mut seeded = demo::seed(app.services()).await?;
        seeded.upload = demo::announce_upload(
            app.services(),
            app.ports().pipeline.items.as_ref(),
            &seeded.workspace,
        )
        .await?;
        demo_upload = seeded.upload.clone();
        writeln!(
            out,
            "{}",
            demo::instructions(&url, &authenticator, &seeded)?
        )?;
    }
    writeln!(
        out,
        "Tuilerie is listening on {url} (data in {})",
        args.data.display()
    )?;
    writeln!(
        out,
        "API description: {url}/openapi.json. Press Ctrl-C to stop."
    )?;
    out.flush()?;
    drop(out);
    if let Some((upload, upload_url)) = demo_upload {
        // Sent over HTTP like any client's, once the server below answers.
        tokio::spawn(async move {
            let sent = reqwest::Client::new()
                .put(&upload_url)
                .body(demo::DEPARTEMENTS)
                .send()
                .await;
            match sent {
                Ok(answer) if answer.status().is_success() => {
                    tracing::info!(%upload, "demo dataset sent");
                }
                Ok(answer) => {
                    tracing::error!(%upload, status = %answer.status(), "demo dataset refused")
                }
                Err(error) => tracing::error!(%upload, %error, "demo dataset not sent"),
            }
        });
    }
    axum::serve(listener, app.router())
        .with_graceful_shutdown(stop_signal())
        .await
        .context("the server stopped")
}

/// Makes the records files readable by this user only.
fn private_files(data: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let path = data.join(format!("{RECORDS_FILE}{suffix}"));
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot make {} private", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = data;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM; never if no handler can be installed.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("stopping");
}
