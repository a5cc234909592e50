//! Composition: one [`App::build`] wires the ports, the services and the router of a
//! deployment, the same way for the `tuilerie` server, each Lambda and the tests, so the
//! tests exercise what ships.
//!
//! The adapters are behind features, so a Lambda does not link SQLite and the local server
//! does not link the AWS SDK: `local` for one machine, `aws` for AWS.

#[cfg(feature = "aws")]
mod gateway;

use std::sync::Arc;

use axum::Router;
use tuilerie_api::auth::Authenticator;
use tuilerie_api::AppState;
use tuilerie_core::ports::{Ports, RandomIds, Records, RecordsError, SystemClock};
use tuilerie_core::service::Services;

/// How a deployment keeps its records and knows its callers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Config {
    /// One machine: records in a SQLite file, tokens signed with a local secret.
    #[cfg(feature = "local")]
    Local {
        /// The SQLite file (created if absent).
        records: std::path::PathBuf,
        /// The secret local tokens are signed with.
        secret: Vec<u8>,
    },
    /// AWS: records in a DynamoDB table, callers verified by API Gateway's JWT authorizer.
    #[cfg(feature = "aws")]
    Aws {
        /// The records table.
        table: String,
        /// The SDK configuration (region, credentials, endpoint).
        sdk: Box<aws_config::SdkConfig>,
    },
}

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The records store could not be opened.
    #[error("cannot open the records store {store}")]
    Records {
        /// The file or table.
        store: String,
        /// What went wrong.
        #[source]
        source: RecordsError,
    },
}

/// A built application: its services and its router.
#[derive(Clone)]
pub struct App {
    records: Arc<dyn Records>,
    services: Services,
    router: Router,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

impl App {
    /// Opens the records store of `config` and builds the services and the router over it.
    pub async fn build(config: Config) -> Result<App, AppError> {
        match config {
            #[cfg(feature = "local")]
            Config::Local { records, secret } => {
                let store =
                    tuilerie_local::records::SqliteRecords::open(&records).map_err(|source| {
                        AppError::Records {
                            store: records.display().to_string(),
                            source,
                        }
                    })?;
                let authenticator = tuilerie_api::LocalAuthenticator::new(&secret);
                Ok(Self::over(
                    Arc::new(store),
                    Arc::new(authenticator),
                    |router| router,
                ))
            }
            #[cfg(feature = "aws")]
            Config::Aws { table, sdk } => {
                let client = aws_sdk_dynamodb::Client::new(&sdk);
                let store = tuilerie_aws::records::DynamoRecords::new(client, table);
                Ok(Self::over(
                    Arc::new(store),
                    Arc::new(tuilerie_api::GatewayAuthenticator),
                    gateway::with_gateway_claims,
                ))
            }
        }
    }

    fn over(
        records: Arc<dyn Records>,
        authenticator: Arc<dyn Authenticator>,
        front: impl FnOnce(Router) -> Router,
    ) -> App {
        let ports = Ports::new(
            Arc::clone(&records),
            Arc::new(SystemClock),
            Arc::new(RandomIds),
        );
        let services = Services::new(&ports);
        let router = front(tuilerie_api::router(AppState::new(
            services.clone(),
            authenticator,
        )));
        App {
            records,
            services,
            router,
        }
    }

    /// The whole API.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// The services, for commands that call them directly (demo seeding).
    pub fn services(&self) -> &Services {
        &self.services
    }

    /// The records store, for maintenance and tests.
    pub fn records(&self) -> &Arc<dyn Records> {
        &self.records
    }
}
