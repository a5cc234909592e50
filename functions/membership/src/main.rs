//! Lambda entry point: tracing, configuration, clients, run.

use tuilerie_app::App;
use tuilerie_membership::Config;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .without_time()
        .init();
    let config = Config::from_env(|name| std::env::var(name).ok())?;
    let sdk = aws_config::load_from_env().await;
    let app = App::build(config.app(sdk)).await?;
    lambda_http::run(app.router()).await
}
