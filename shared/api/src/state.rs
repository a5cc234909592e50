//! What every handler shares: the services and the authenticator.

use std::sync::Arc;

use tuilerie_core::service::Services;

use crate::auth::Authenticator;

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    /// The use cases, by area.
    pub services: Arc<Services>,
    /// Reads the caller's claims.
    pub authenticator: Arc<dyn Authenticator>,
}

impl AppState {
    /// State over the services and an authenticator.
    pub fn new(services: Services, authenticator: Arc<dyn Authenticator>) -> Self {
        Self {
            services: Arc::new(services),
            authenticator,
        }
    }
}
