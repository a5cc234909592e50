//! Quota books: one usage row per workspace and quota (used, reserved) and one row per open
//! reservation, changed together in one transaction.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use tuilerie_core::ids::{ReservationId, WorkspaceId};
use tuilerie_core::ports::RecordsError;
use tuilerie_core::ports::{QuotaRecords, RecordsResult};
use tuilerie_core::quota::{Quota, Reservation, Usage};
use tuilerie_core::storage::StorageType;

use super::codec::{amount, amount_at, text_at, time, time_at};
use super::error::{insert_new, Outcome};
use super::immediate;
use super::SqliteRecords;

const COLUMNS: &str = "id, workspace, quota, amount, created_at, expires_at, holder";

fn reservation_at(row: &Row<'_>) -> rusqlite::Result<Reservation> {
    Ok(Reservation {
        id: text_at(row, 0, "reservations.id")?,
        workspace: text_at(row, 1, "reservations.workspace")?,
        quota: text_at(row, 2, "reservations.quota")?,
        amount: amount_at(row, 3)?,
        created_at: time_at(row, 4)?,
        expires_at: time_at(row, 5)?,
        holder: match row.get::<_, Option<String>>(6)? {
            Some(_) => Some(text_at(row, 6, "reservations.holder")?),
            None => None,
        },
    })
}

/// In one transaction: checks used + reserved + amount ≤ limit, stores the reservation and
/// adds its amount to the reserved counter.
pub(crate) fn reserve(
    connection: &mut Connection,
    reservation: &Reservation,
    limit: u64,
) -> Outcome<()> {
    let transaction = immediate(connection)?;
    let held = transaction
        .query_row(
            "SELECT used, reserved FROM usage WHERE workspace = ?1 AND quota = ?2",
            [reservation.workspace.as_str(), reservation.quota.as_str()],
            |row| Ok(amount_at(row, 0)?.saturating_add(amount_at(row, 1)?)),
        )
        .optional()?
        .unwrap_or(0);
    if held.saturating_add(reservation.amount) > limit {
        return Err(RecordsError::QuotaExceeded { held, limit }.into());
    }
    insert_new(transaction.execute(
        &format!("INSERT INTO reservations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        params![
            reservation.id.as_str(),
            reservation.workspace.as_str(),
            reservation.quota.as_str(),
            amount(reservation.amount)?,
            time(&reservation.created_at),
            time(&reservation.expires_at),
            reservation.holder.as_ref().map(|h| h.as_str())
        ],
    ))?;
    transaction.execute(
        "INSERT INTO usage (workspace, quota, reserved) VALUES (?1, ?2, ?3) \
         ON CONFLICT (workspace, quota) DO UPDATE SET reserved = reserved + excluded.reserved",
        params![
            reservation.workspace.as_str(),
            reservation.quota.as_str(),
            amount(reservation.amount)?
        ],
    )?;
    transaction.commit()?;
    Ok(())
}

/// In one transaction: deletes an open reservation and moves its amount out of the reserved
/// counter, `used` of it (at most all) into the used one.
pub(crate) fn settle(
    connection: &mut Connection,
    workspace: &WorkspaceId,
    id: &ReservationId,
    used: Used,
) -> Outcome<Reservation> {
    let transaction = immediate(connection)?;
    let settled = transaction
        .query_row(
            &format!(
                "DELETE FROM reservations WHERE workspace = ?1 AND id = ?2 RETURNING {COLUMNS}"
            ),
            [workspace.as_str(), id.as_str()],
            reservation_at,
        )
        .optional()?
        .ok_or(RecordsError::NotFound)?;
    let used = match used {
        Used::All => settled.amount,
        Used::Nothing => 0,
        Used::Only(part) if part <= settled.amount => part,
        Used::Only(_) => return Err(RecordsError::ConditionFailed.into()),
    };
    let moved = amount(settled.amount)?;
    transaction.execute(
        "UPDATE usage SET reserved = reserved - ?3, used = used + ?4 \
         WHERE workspace = ?1 AND quota = ?2",
        params![
            workspace.as_str(),
            settled.quota.as_str(),
            moved,
            amount(used)?
        ],
    )?;
    transaction.commit()?;
    Ok(settled)
}

/// How much of a reservation becomes usage when it ends.
pub(crate) enum Used {
    /// All of it (committed).
    All,
    /// None (released).
    Nothing,
    /// This much, at most all.
    Only(u64),
}

/// Releases reservations that expired before `now`, oldest first, at most `limit`.
pub(crate) fn expired(
    connection: &mut Connection,
    now: &chrono::DateTime<chrono::Utc>,
    limit: usize,
) -> Outcome<Vec<Reservation>> {
    let due: Vec<(WorkspaceId, ReservationId)> = {
        let mut statement = connection.prepare_cached(
            "SELECT workspace, id FROM reservations WHERE expires_at < ?1 \
             ORDER BY expires_at LIMIT ?2",
        )?;
        let rows = statement.query_map(
            params![time(now), i64::try_from(limit).unwrap_or(i64::MAX)],
            |row| {
                Ok((
                    text_at(row, 0, "reservations.workspace")?,
                    text_at(row, 1, "reservations.id")?,
                ))
            },
        )?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut released = Vec::new();
    for (workspace, id) in due {
        match settle(connection, &workspace, &id, Used::Nothing) {
            Ok(reservation) => released.push(reservation),
            Err(super::error::Fault(RecordsError::NotFound)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(released)
}

/// Open reservations of a workspace, oldest first.
pub(crate) fn open(connection: &Connection, workspace: &WorkspaceId) -> Outcome<Vec<Reservation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reservations WHERE workspace = ?1 ORDER BY created_at, rowid"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([workspace.as_str()], reservation_at)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Subtracts from the used counter if at least `freed` is used, in one statement.
pub(crate) fn free(
    connection: &Connection,
    workspace: &WorkspaceId,
    storage: StorageType,
    freed: u64,
) -> Outcome<()> {
    if freed == 0 {
        return Ok(());
    }
    let changed = connection.execute(
        "UPDATE usage SET used = used - ?3 WHERE workspace = ?1 AND quota = ?2 AND used >= ?3",
        params![workspace.as_str(), storage.as_str(), amount(freed)?],
    )?;
    if changed == 0 {
        return Err(RecordsError::ConditionFailed.into());
    }
    Ok(())
}

/// What a workspace uses and reserves; quotas at zero are left out.
pub(crate) fn usage(connection: &Connection, workspace: &WorkspaceId) -> Outcome<Usage> {
    let mut statement = connection
        .prepare_cached("SELECT quota, used, reserved FROM usage WHERE workspace = ?1")?;
    let rows = statement.query_map([workspace.as_str()], |row| {
        Ok((
            text_at::<Quota>(row, 0, "usage.quota")?,
            amount_at(row, 1)?,
            amount_at(row, 2)?,
        ))
    })?;
    let mut usage = Usage::default();
    for row in rows {
        let (quota, used, reserved) = row?;
        if used > 0 {
            usage.used.insert(quota, used);
        }
        if reserved > 0 {
            usage.reserved.insert(quota, reserved);
        }
    }
    Ok(usage)
}

#[async_trait]
impl QuotaRecords for SqliteRecords {
    async fn reserve(&self, reservation: &Reservation, limit: u64) -> RecordsResult<()> {
        let reservation = reservation.clone();
        self.write(move |c| reserve(c, &reservation, limit)).await
    }

    async fn commit_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.write(move |c| settle(c, &workspace, &id, Used::All))
            .await
    }

    async fn commit_reservation_as(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
        used: u64,
    ) -> RecordsResult<Reservation> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.write(move |c| settle(c, &workspace, &id, Used::Only(used)))
            .await
    }

    async fn release_expired(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> RecordsResult<Vec<Reservation>> {
        self.write(move |c| expired(c, &now, limit)).await
    }

    async fn release_reservation(
        &self,
        workspace: &WorkspaceId,
        id: &ReservationId,
    ) -> RecordsResult<Reservation> {
        let (workspace, id) = (workspace.clone(), id.clone());
        self.write(move |c| settle(c, &workspace, &id, Used::Nothing))
            .await
    }

    async fn reservations(&self, workspace: &WorkspaceId) -> RecordsResult<Vec<Reservation>> {
        let workspace = workspace.clone();
        self.read(move |c| open(c, &workspace)).await
    }

    async fn free(
        &self,
        workspace: &WorkspaceId,
        storage: StorageType,
        amount: u64,
    ) -> RecordsResult<()> {
        let workspace = workspace.clone();
        self.write(move |c| free(c, &workspace, storage, amount))
            .await
    }

    async fn usage(&self, workspace: &WorkspaceId) -> RecordsResult<Usage> {
        let workspace = workspace.clone();
        self.read(move |c| usage(c, &workspace)).await
    }
}
