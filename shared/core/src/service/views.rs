//! Workspaces as members see them: with their quota figures.

use std::sync::Arc;

use super::{records_error, WorkspaceView};
use crate::error::Result;
use crate::ports::{Ports, QuotaRecords};
use crate::quota::statuses;
use crate::role::Role;
use crate::workspace::Workspace;

/// Builds workspace views with their current quota figures.
#[derive(Clone)]
pub struct Views {
    quotas: Arc<dyn QuotaRecords>,
}

impl Views {
    /// Views over the quota records of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            quotas: Arc::clone(&ports.quotas),
        }
    }

    /// A view of `workspace` for a caller with `role` (none for platform administrators who
    /// are not members).
    pub async fn view(&self, workspace: Workspace, role: Option<Role>) -> Result<WorkspaceView> {
        let usage = self
            .quotas
            .usage(&workspace.id)
            .await
            .map_err(records_error)?;
        let quotas = statuses(&workspace.limits, &usage);
        let quota_warning = quotas.iter().any(|status| status.warning);
        Ok(WorkspaceView {
            workspace,
            role,
            quotas,
            quota_warning,
        })
    }
}
