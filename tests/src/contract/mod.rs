//! The contract of the records port, run against every adapter.
//!
//! Each case is a public async function taking a fresh, empty store. An adapter's test file
//! runs them all with one line, which expands to one `#[tokio::test]` per case (named after
//! the case, on a multi-thread runtime):
//!
//! ```ignore
//! tuilerie_tests::records_contract_tests!(my_helpers::fresh_store());
//! ```
//!
//! where the expression is evaluated once per case and is a future yielding a [`Store`].
//! A new case is a function in one of the modules below plus one line in the macro's list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::any::Any;
use std::sync::Arc;

use tuilerie_core::ports::Records;

pub mod blobs;
pub mod creation;
pub mod fixtures;
pub mod items;
pub mod joins;
pub mod members;
pub mod quota_race;
pub mod quotas;
pub mod users;
pub mod workspaces;

/// A store under test, with whatever must live as long as it (a temporary directory, an
/// emulator table).
pub struct Store {
    records: Arc<dyn Records>,
    _keep: Box<dyn Any + Send>,
}

impl Store {
    /// A store that needs nothing else alive.
    pub fn new(records: Arc<dyn Records>) -> Self {
        Self::keeping(records, ())
    }

    /// A store that keeps `guard` alive until the case ends.
    pub fn keeping(records: Arc<dyn Records>, guard: impl Any + Send) -> Self {
        Self {
            records,
            _keep: Box::new(guard),
        }
    }

    /// The port under test.
    pub fn records(&self) -> Arc<dyn Records> {
        Arc::clone(&self.records)
    }
}

/// Expands to one `#[tokio::test]` per contract case; `$make` is a future yielding a
/// [`contract::Store`](crate::contract::Store), evaluated afresh for every case.
#[macro_export]
macro_rules! records_contract_tests {
    ($make:expr) => {
        $crate::records_contract_tests!(@cases $make;
            users::a_user_is_registered_once_and_keeps_their_registration_time,
            users::registering_again_updates_the_email_address,
            users::users_are_found_by_email_address,
            users::unknown_users_are_absent,
            creation::a_creation_request_is_stored_and_read_back,
            creation::a_creation_request_id_cannot_be_reused,
            creation::creation_requests_are_listed_by_requester_and_pending_oldest_first,
            creation::approval_creates_the_workspace_and_its_first_owner,
            creation::a_second_approval_fails_and_creates_no_second_workspace,
            creation::concurrent_approvals_create_exactly_one_workspace,
            creation::rejection_records_the_reason_and_only_once,
            creation::a_rejected_request_cannot_be_approved,
            workspaces::each_change_touches_only_its_own_fields,
            workspaces::an_owner_edit_is_checked_inside_the_write,
            workspaces::concurrent_edits_never_undo_each_other,
            workspaces::updating_an_unknown_workspace_is_not_found,
            workspaces::public_workspaces_lists_only_public_ones_by_name,
            workspaces::deleting_a_workspace_removes_members_requests_and_usage,
            workspaces::memberships_of_lists_every_workspace_of_a_user,
            members::members_are_listed_by_join_time,
            members::adding_an_existing_member_returns_false_and_keeps_their_role,
            members::change_role_needs_the_expected_role,
            members::the_last_owner_cannot_be_demoted,
            members::the_last_owner_cannot_be_removed,
            members::two_owners_can_be_demoted_one_at_a_time_until_one_is_left,
            members::concurrent_demotions_of_two_owners_leave_exactly_one,
            members::concurrent_removals_of_two_owners_leave_exactly_one,
            members::remove_member_needs_the_expected_role,
            members::owners_of_other_workspaces_do_not_count,
            members::concurrent_adds_of_one_user_add_them_once,
            joins::a_join_request_is_stored_and_listed,
            joins::only_one_pending_join_request_per_user_and_workspace,
            joins::a_new_join_request_is_allowed_after_closing_the_previous_one,
            joins::accepting_a_join_request_adds_the_member_atomically,
            joins::accepting_keeps_an_existing_member_as_is,
            joins::declining_adds_nobody,
            joins::a_closed_join_request_cannot_be_closed_again,
            joins::concurrent_join_requests_of_one_user_leave_one_pending,
            joins::concurrent_accept_and_decline_close_the_request_once,
            quotas::a_fresh_workspace_uses_nothing,
            quotas::reserve_commit_and_release_keep_the_books,
            quotas::a_reservation_over_the_limit_is_refused_with_what_is_held,
            quotas::a_reservation_up_to_the_limit_is_accepted,
            quotas::committing_or_releasing_twice_is_not_found,
            quotas::unknown_reservations_are_not_found,
            quotas::freeing_more_than_used_fails,
            quotas::quotas_are_counted_separately,
            quota_race::racing_reservations_never_exceed_the_limit,
            quotas::an_estimate_is_committed_with_the_real_amount,
            quotas::expired_reservations_are_released_across_workspaces,
            items::an_item_is_created_once_at_version_one,
            items::writes_compare_the_version_they_read,
            items::items_are_listed_by_workspace_and_when_unfinished,
            items::concurrent_compare_and_set_loses_no_write,
        );
    };
    (@cases $make:expr; $($module:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store: $crate::contract::Store = ($make).await;
                $crate::contract::$module::$case(store.records()).await;
                drop(store);
            }
        )*
    };
}

/// Expands to one `#[tokio::test]` per object store contract case; `$make` is a future
/// yielding `(Arc<dyn Blobs>, guard)`, evaluated afresh for every case.
#[macro_export]
macro_rules! blobs_contract_tests {
    ($make:expr) => {
        $crate::blobs_contract_tests!(@cases $make;
            objects_are_written_and_read_back,
            files_go_in_and_come_out,
            objects_are_listed_by_prefix_and_deleted,
            keys_outside_the_store_are_refused,
            an_upload_url_takes_the_announced_bytes,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (blobs, guard) = ($make).await;
                $crate::contract::blobs::$case(blobs).await;
                drop(guard);
            }
        )*
    };
}
