//! Composition: one [`App::build`] wires the ports, the services and the router of a
//! deployment, the same way for the `tuilerie` server, each Lambda and the tests, so the
//! tests exercise what ships.
//!
//! The adapters are behind features, so a Lambda does not link SQLite and the local server
//! does not link the AWS SDK: `local` for one machine, `aws` for AWS.

#[cfg(feature = "aws")]
mod gateway;
#[cfg(feature = "local")]
mod local;

use std::sync::Arc;

use axum::Router;
use tuilerie_api::auth::Authenticator;
use tuilerie_api::AppState;
use tuilerie_core::ports::{PipelinePorts, Ports, RandomIds, Records, RecordsError, SystemClock};
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
        /// The secret local tokens and upload URLs are signed with.
        secret: Vec<u8>,
        /// The data directory: object stores (one folder per storage type) and scratch
        /// space of the pipeline.
        data: std::path::PathBuf,
        /// How many pipeline jobs run at once.
        jobs: usize,
    },
    /// AWS: records in a DynamoDB table, callers verified by API Gateway's JWT authorizer.
    #[cfg(feature = "aws")]
    Aws {
        /// The records table.
        table: String,
        /// The SDK configuration (region, credentials, endpoint).
        sdk: Box<aws_config::SdkConfig>,
        /// The buckets and the pipeline state machine.
        pipeline: AwsPipeline,
    },
}

/// Where the pipeline keeps its objects and runs its jobs on AWS.
#[cfg(feature = "aws")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsPipeline {
    /// Bucket of uploads.
    pub uploads: String,
    /// Bucket of vector databases.
    pub databases: String,
    /// Bucket of pyramids.
    pub pyramids: String,
    /// Bucket of styles.
    pub styles: String,
    /// ARN of the pipeline state machine.
    pub state_machine: String,
}

#[cfg(feature = "aws")]
impl AwsPipeline {
    /// Reads `UPLOADS_BUCKET`, `DATABASES_BUCKET`, `PYRAMIDS_BUCKET`, `STYLES_BUCKET` and
    /// `PIPELINE_STATE_MACHINE`; a bucket not given is named after the table
    /// (`<table>-uploads`, ...).
    pub fn from_env(table: &str, var: impl Fn(&str) -> Option<String>) -> Self {
        let bucket =
            |name: &str, suffix: &str| var(name).unwrap_or_else(|| format!("{table}-{suffix}"));
        Self {
            uploads: bucket("UPLOADS_BUCKET", "uploads"),
            databases: bucket("DATABASES_BUCKET", "databases"),
            pyramids: bucket("PYRAMIDS_BUCKET", "pyramids"),
            styles: bucket("STYLES_BUCKET", "styles"),
            state_machine: var("PIPELINE_STATE_MACHINE").unwrap_or_default(),
        }
    }
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
    /// A folder of the data directory could not be made.
    #[error("cannot create {path}: check that the data directory is writable, or choose another with --data")]
    Folder {
        /// The folder.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
}

/// A built application: its services and its router.
#[derive(Clone)]
pub struct App {
    records: Arc<dyn Records>,
    services: Services,
    router: Router,
    ports: Ports,
    #[cfg(feature = "local")]
    local: Option<local::Local>,
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
            Config::Local {
                records,
                secret,
                data,
                jobs,
            } => {
                let store =
                    tuilerie_local::records::SqliteRecords::open(&records).map_err(|source| {
                        AppError::Records {
                            store: records.display().to_string(),
                            source,
                        }
                    })?;
                let store = Arc::new(store);
                let authenticator = tuilerie_api::LocalAuthenticator::new(&secret);
                let local = local::Local::open(&data, &secret, jobs)?;
                let pipeline = local.ports(store.clone());
                let mut app = Self::over(store, pipeline, Arc::new(authenticator), |router| router);
                local.bind(&app, &data);
                app.router = app.router.merge(local.upload_route(app.services.clone()));
                app.local = Some(local);
                Ok(app)
            }
            #[cfg(feature = "aws")]
            Config::Aws {
                table,
                sdk,
                pipeline,
            } => {
                let client = aws_sdk_dynamodb::Client::new(&sdk);
                let store = Arc::new(tuilerie_aws::records::DynamoRecords::new(client, table));
                let s3 = tuilerie_aws::blobs::s3_client(&sdk);
                let bucket = |name: &str| -> Arc<dyn tuilerie_core::ports::Blobs> {
                    Arc::new(tuilerie_aws::blobs::S3Blobs::new(s3.clone(), name))
                };
                let blobs = tuilerie_core::ports::BlobStores {
                    uploads: bucket(&pipeline.uploads),
                    databases: bucket(&pipeline.databases),
                    pyramids: bucket(&pipeline.pyramids),
                    styles: bucket(&pipeline.styles),
                };
                let workflows = tuilerie_aws::executions::StepFunctions::new(
                    aws_sdk_sfn::Client::new(&sdk),
                    pipeline.state_machine.clone(),
                );
                let ports = tuilerie_core::ports::PipelinePorts {
                    items: store.clone(),
                    archives: Arc::new(tuilerie_pipeline::archives::PmTilesArchives::new(
                        Arc::clone(&blobs.pyramids),
                    )),
                    blobs,
                    workflows: Arc::new(workflows),
                };
                Ok(Self::over(
                    store,
                    ports,
                    Arc::new(tuilerie_api::GatewayAuthenticator),
                    gateway::with_gateway_claims,
                ))
            }
        }
    }

    fn over(
        records: Arc<dyn Records>,
        pipeline: PipelinePorts,
        authenticator: Arc<dyn Authenticator>,
        front: impl FnOnce(Router) -> Router,
    ) -> App {
        let ports = Ports::new(
            Arc::clone(&records),
            pipeline,
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
            ports,
            #[cfg(feature = "local")]
            local: None,
        }
    }

    /// The ports the services were built over, for the pipeline's steps.
    pub fn ports(&self) -> &Ports {
        &self.ports
    }

    /// Tells the app where it is reachable (upload URLs point there) and resumes the jobs
    /// that were under way when the server last stopped; how many.
    #[cfg(feature = "local")]
    pub async fn listening_on(&self, base_url: &str) -> Result<usize, RecordsError> {
        match &self.local {
            Some(local) => local.listening_on(base_url, &self.ports).await,
            None => Ok(0),
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
