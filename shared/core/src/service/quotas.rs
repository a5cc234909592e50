//! Quota use: figures with the 90 % warning, and reservations made before bytes are written,
//! then committed or released.

use serde::Serialize;

use std::sync::Arc;

use super::{parse_workspace_id, records_error, Gate, RESERVATION_LIFETIME};
use crate::error::{Error, Result};
use crate::ids::{ReservationId, WorkspaceId};
use crate::ports::RecordsError;
use crate::ports::{Clock, Ids, Ports, QuotaRecords, WorkspaceRecords};
use crate::quota::{statuses, Quota, QuotaStatus, Reservation};
use crate::role::Action;
use crate::storage::StorageType;
use crate::user::Principal;
use crate::workspace::Workspace;

/// How many reservations a workspace may hold open at once through the API.
pub const OPEN_RESERVATIONS_MAX: usize = 100;

/// A workspace's use of its quotas.
#[derive(Debug, Clone, Serialize)]
pub struct UsageView {
    /// Every quota's figures.
    pub quotas: Vec<QuotaStatus>,
    /// Open reservations.
    pub reservations: Vec<Reservation>,
    /// True when any quota is at 90 % or more.
    pub quota_warning: bool,
}

/// Quota figures and reservations.
#[derive(Clone)]
pub struct QuotaService {
    gate: Gate,
    workspaces: Arc<dyn WorkspaceRecords>,
    quotas: Arc<dyn QuotaRecords>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn Ids>,
}

impl QuotaService {
    /// The service over what it needs of `ports`.
    pub fn new(ports: &Ports) -> Self {
        Self {
            gate: Gate::new(ports),
            workspaces: Arc::clone(&ports.workspaces),
            quotas: Arc::clone(&ports.quotas),
            clock: Arc::clone(&ports.clock),
            ids: Arc::clone(&ports.ids),
        }
    }

    /// Quota figures and open reservations: for members and platform administrators.
    pub async fn usage(&self, principal: &Principal, workspace: &str) -> Result<UsageView> {
        let found = if principal.is_platform_admin() {
            self.gate.administered(principal, workspace).await?
        } else {
            self.gate
                .access(principal, workspace, Action::View)
                .await?
                .workspace
        };
        let usage = self.quotas.usage(&found.id).await.map_err(records_error)?;
        let reservations = self
            .quotas
            .reservations(&found.id)
            .await
            .map_err(records_error)?;
        let quotas = statuses(&found.limits, &usage);
        Ok(UsageView {
            quota_warning: quotas.iter().any(|status| status.warning),
            quotas,
            reservations,
        })
    }

    /// Reserves bytes of a storage quota before writing them (editors and above).
    pub async fn reserve(
        &self,
        principal: &Principal,
        workspace: &str,
        storage: StorageType,
        amount: u64,
    ) -> Result<Reservation> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let open = self
            .quotas
            .reservations(&access.workspace.id)
            .await
            .map_err(records_error)?
            .len();
        if open >= OPEN_RESERVATIONS_MAX {
            return Err(Error::Conflict(format!(
                "workspace {} already has {open} open reservations (at most \
                 {OPEN_RESERVATIONS_MAX}); commit or release some first",
                access.workspace.id
            )));
        }
        self.reserve_as(
            &access.workspace,
            storage,
            amount,
            Some(access.user.id.clone()),
        )
        .await
    }

    /// Reserves bytes of a storage type for a workspace, held by the system (no member).
    pub async fn reserve_for(
        &self,
        workspace: &Workspace,
        storage: StorageType,
        amount: u64,
    ) -> Result<Reservation> {
        self.reserve_as(workspace, storage, amount, None).await
    }

    async fn reserve_as(
        &self,
        workspace: &Workspace,
        storage: StorageType,
        amount: u64,
        holder: Option<crate::ids::UserId>,
    ) -> Result<Reservation> {
        if amount == 0 || amount > crate::quota::MAX_BYTES {
            return Err(Error::invalid(
                "amount",
                format!("`amount` goes from 1 to {}", crate::quota::MAX_BYTES),
            ));
        }
        let now = self.clock.now();
        let reservation = Reservation {
            id: ReservationId::generate(&self.ids.fresh()),
            workspace: workspace.id.clone(),
            quota: storage,
            amount,
            created_at: now,
            expires_at: now + RESERVATION_LIFETIME,
            holder,
        };
        let limit = workspace.limits.bytes(storage);
        match self.quotas.reserve(&reservation, limit).await {
            Ok(()) => Ok(reservation),
            Err(RecordsError::QuotaExceeded { held, limit }) => Err(Error::QuotaExceeded {
                quota: Quota::Storage(storage),
                needed: amount,
                free: limit.saturating_sub(held),
                limit,
            }),
            Err(other) => Err(records_error(other)),
        }
    }

    /// Commits a reservation once its bytes are written (editors and above).
    pub async fn commit_reservation(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Reservation> {
        let access = self
            .gate
            .writable(principal, workspace, Action::EditData)
            .await?;
        let parsed = parse_reservation(id)?;
        self.ensure_holder(&access, &parsed).await?;
        self.quotas
            .commit_reservation(&access.workspace.id, &parsed)
            .await
            .map_err(|error| reservation_error(error, id))
    }

    /// Releases a reservation whose bytes were not written (editors and above; allowed while
    /// suspended, since it only frees).
    pub async fn release_reservation(
        &self,
        principal: &Principal,
        workspace: &str,
        id: &str,
    ) -> Result<Reservation> {
        let access = self
            .gate
            .access(principal, workspace, Action::EditData)
            .await?;
        let parsed = parse_reservation(id)?;
        self.ensure_holder(&access, &parsed).await?;
        self.quotas
            .release_reservation(&access.workspace.id, &parsed)
            .await
            .map_err(|error| reservation_error(error, id))
    }

    /// Only who made a reservation settles it; the pipeline's own are settled by its steps.
    async fn ensure_holder(
        &self,
        access: &super::access::Access,
        id: &ReservationId,
    ) -> Result<()> {
        let open = self
            .quotas
            .reservations(&access.workspace.id)
            .await
            .map_err(records_error)?;
        let Some(found) = open.iter().find(|r| &r.id == id) else {
            return Err(Error::not_found(format!(
                "reservation {id} (already committed or released?)"
            )));
        };
        match &found.holder {
            Some(holder) if holder == &access.user.id => Ok(()),
            Some(_) => Err(Error::forbidden(format!(
                "reservation {id} was made by another member; only they may commit or release it"
            ))),
            None => Err(Error::forbidden(format!(
                "reservation {id} is held by the pipeline for one of its steps, which settles it"
            ))),
        }
    }

    /// Whether any quota of the workspace is at 90 % or more; false if it cannot be told.
    pub async fn quota_warning(&self, workspace: &str) -> bool {
        let Ok(id) = parse_workspace_id(workspace) else {
            return false;
        };
        self.warning_of(&id).await.unwrap_or(false)
    }

    async fn warning_of(&self, id: &WorkspaceId) -> Result<bool> {
        let Some(found) = self.workspaces.workspace(id).await.map_err(records_error)? else {
            return Ok(false);
        };
        let usage = self.quotas.usage(id).await.map_err(records_error)?;
        Ok(statuses(&found.limits, &usage)
            .iter()
            .any(|status| status.warning))
    }
}

fn parse_reservation(id: &str) -> Result<ReservationId> {
    ReservationId::parse(id).map_err(|_| Error::not_found(format!("reservation {id}")))
}

fn reservation_error(error: RecordsError, id: &str) -> Error {
    match error {
        RecordsError::NotFound => {
            Error::not_found(format!("reservation {id} (already committed or released?)"))
        }
        other => records_error(other),
    }
}
