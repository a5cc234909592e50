//! What every handler shares: the use cases and the authenticator.

use std::sync::Arc;

use tuilerie_core::service::Service;

use crate::auth::Authenticator;

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub service: Arc<Service>,
    /// Reads the caller's claims.
    pub authenticator: Arc<dyn Authenticator>,
}

impl AppState {
    /// State over a service and an authenticator.
    pub fn new(service: Service, authenticator: Arc<dyn Authenticator>) -> Self {
        Self {
            service: Arc::new(service),
            authenticator,
        }
    }
}
