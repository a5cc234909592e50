//! The membership Lambda: the API router behind API Gateway, on DynamoDB, built by
//! [`tuilerie_app::App::build`] as every deployment is.

/// Configuration read once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The DynamoDB table holding the records.
    pub table: String,
}

/// A required setting is missing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is not set.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
}

impl Config {
    /// Reads the configuration from an environment (a function so tests pass their own).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            table: var("TABLE_NAME").ok_or(ConfigError::Missing("TABLE_NAME"))?,
        })
    }

    /// The application configuration, with the SDK configuration loaded from the environment.
    pub fn app(self, sdk: aws_config::SdkConfig) -> tuilerie_app::Config {
        let pipeline =
            tuilerie_app::AwsPipeline::from_env(&self.table, |name| std::env::var(name).ok());
        tuilerie_app::Config::Aws {
            table: self.table,
            sdk: Box::new(sdk),
            pipeline,
        }
    }
}
