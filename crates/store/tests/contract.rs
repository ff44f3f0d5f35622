//! The storage contract: one suite, written against `Arc<dyn Store>`, run on every backend.
//!
//! A backend is an async function returning `Option<TestDb>`: a fresh, empty database for one
//! test, or `None` when the backend is not configured in this environment (the test then passes
//! without running). `contract_suite!(name, backend_fn)` instantiates every test for it.

mod contract {
    pub mod apikey_chains;
    pub mod apikey_limit;
    pub mod apikey_races;
    pub mod apikey_rotation;
    pub mod apikeys;
    pub mod audit;
    pub mod audit_apikeys;
    pub mod backends;
    pub mod clients;
    pub mod instances;
    pub mod lockout;
    pub mod migrations;
    pub mod passwords;
    pub mod persistence;
    pub mod pg_migrations;
    pub mod pg_schema;
    pub mod postgres_only;
    pub mod refresh_rules;
    pub mod resources;
    pub mod reuse_races;
    pub mod revocation;
    pub mod revocation_log;
    pub mod rotation;
    pub mod session_limit;
    pub mod session_list;
    pub mod signing_keys;
    pub mod smart_lockout;
    pub mod sqlite_writer;
    pub mod stamps;
    pub mod support;
    pub mod tokens;
    pub mod user_admin;
    pub mod user_changes;
    pub mod user_import;
    pub mod users;
}

macro_rules! contract_suite {
    ($backend:ident, $open:path) => {
        contract_suite!(@expand $backend, $open;
            audit {
                appended_events_read_back_newest_first_with_every_field,
                filters_by_user_event_and_time,
                pages_follow_the_cursor_to_the_end,
                purge_deletes_old_events_in_batches,
                a_later_user_of_a_name_inherits_no_events,
                an_audited_change_stores_its_events,
                evictions_are_recorded_with_the_login,
                a_refused_event_undoes_its_change,
                reuse_is_recorded_with_the_revocation_and_rotation_is_not,
            }
            audit_apikeys {
                reuse_records_the_chain_it_revoked_and_rotation_records_nothing,
                a_reuse_event_that_cannot_be_stored_leaves_the_chain_live,
                revoking_all_records_how_many_went_and_nothing_when_none,
                a_revoke_all_event_that_cannot_be_stored_leaves_the_keys_live,
            }
            users {
                created_user_reads_back_with_every_field,
                unknown_user_is_none,
                every_role_round_trips,
                duplicate_username_is_a_conflict,
                list_and_count_cover_all_users,
                set_password_hash_updates_known_users_only,
                set_disabled_updates_known_users_only,
            }
            user_admin {
                pages_filter_by_prefix_role_and_state,
                fullname_changes_for_known_users_only,
                a_login_records_its_time,
                the_last_enabled_admin_stays,
                two_admins_demoting_each_other_leave_one,
                deleting_ends_credentials_and_frees_the_name,
            }
            user_import {
                users_are_created_together_with_their_events_and_flags,
                one_taken_username_creates_nobody,
                an_empty_import_changes_nothing,
            }
            lockout {
                failures_count_and_lock_at_the_threshold,
                expired_lock_restarts_the_count,
                threshold_zero_never_locks,
                clear_login_failures_resets_count_and_lock,
                failures_of_unknown_users_are_ignored,
                concurrent_failures_are_all_counted,
                concurrent_attempts_get_exactly_the_threshold,
            }
            session_limit {
                zero_means_unlimited,
                evict_oldest_revokes_exactly_the_oldest_live_sessions,
                evict_oldest_catches_up_when_the_limit_shrinks,
                refuse_fails_without_creating_or_revoking,
                limit_is_per_user,
                expired_and_revoked_sessions_do_not_count,
                rotation_keeps_a_session_live_past_its_first_expiry,
            }
            rotation {
                live_token_rotates_and_its_successor_rotates,
                second_presentation_is_reuse_and_revokes_the_session,
                expired_token_is_expired,
                unknown_token_is_unknown,
                concurrent_rotations_of_one_token_have_one_winner,
                concurrent_rotations_of_different_sessions_all_succeed,
                session_of_refresh_only_finds_live_unused_tokens,
            }
            refresh_rules {
                a_retry_within_the_grace_gets_the_unused_successor_again,
                after_the_grace_or_without_one_a_second_presentation_is_reuse,
                only_the_tokens_own_successor_makes_a_retry,
                concurrent_presentations_within_the_grace_share_one_successor,
                no_refresh_goes_past_a_sessions_absolute_lifetime,
            }
            revocation {
                revoke_session_is_true_once,
                unknown_session_counts_as_revoked,
                revoked_since_includes_its_bound,
                revoke_user_sessions_returns_exactly_that_users_live_sessions,
                purge_deletes_expired_and_long_revoked_sessions_only,
                live_sessions_are_counted,
            }
            session_list {
                live_sessions_are_listed_newest_first_with_their_latest_client,
                revoke_others_keeps_one_session_and_records_its_event,
            }
            revocation_log {
                every_revocation_is_logged_once_and_read_on_from_the_cursor,
            }
            persistence {
                data_survives_reopening,
            }
            apikeys {
                created_key_reads_back_and_is_listed_while_live,
                revoke_one_and_revoke_all_touch_only_live_keys_of_that_user,
                purge_keeps_spent_refresh_tokens_until_they_expire,
            }
            apikey_chains {
                revoking_any_id_of_a_chain_revokes_its_live_key,
                a_disabled_user_gets_no_successor,
                a_user_whose_role_may_not_hold_keys_gets_no_successor,
            }
            apikey_limit {
                live_keys_per_user_are_capped_when_a_key_is_created,
                concurrent_creations_never_exceed_the_cap,
            }
            apikey_races {
                refreshes_racing_revocations_leave_no_live_key,
            }
            reuse_races {
                reuse_during_a_refresh_loop_ends_every_apikey_of_the_chain,
                reuse_during_a_refresh_loop_ends_the_session,
            }
            apikey_rotation {
                rotation_revokes_the_old_key_and_keeps_bindings_and_lifetimes,
                expired_revoked_and_unknown_refresh_tokens_are_told_apart,
                reusing_a_spent_refresh_token_revokes_the_whole_chain,
                concurrent_rotations_of_one_token_have_one_winner,
            }
            resources {
                resources_read_back_with_their_maintainers,
                duplicate_resource_is_a_conflict_and_unknown_maintainer_creates_nothing,
                maintainers_are_added_once_and_removed,
                set_user_role_changes_known_users_only,
            }
            clients {
                clients_read_back_and_ids_are_unique,
                rotation_and_removal_end_a_generation_once,
                uses_are_kept_and_never_go_back_in_time,
                a_client_token_is_revoked_once_and_logged,
            }
            tokens {
                tokens_read_back_by_hash_and_id,
                tokens_need_an_existing_owner_and_a_unique_id,
                lists_hold_the_owners_live_tokens_in_creation_order,
                revocation_is_once_and_read_back_since,
                descriptions_change_on_live_tokens,
                uses_are_written_in_batches_and_never_go_back_in_time,
                resource_tokens_outlive_their_creators_maintainership,
            }
            smart_lockout {
                a_success_makes_its_client_familiar_for_the_window,
                a_familiar_client_keeps_a_count_of_its_own,
                unfamiliar_failures_have_an_hourly_ceiling,
                clearing_ends_every_count_and_lock,
                clients_no_longer_familiar_are_forgotten,
            }
            signing_keys {
                keys_round_trip_and_rotate_one_at_a_time,
            }
            stamps {
                password_role_and_disabled_changes_bump_the_stamp,
                a_rehash_never_replaces_a_new_password,
                a_session_is_stored_only_while_its_user_is_unchanged,
                an_api_key_is_stored_only_while_its_user_and_session_are_unchanged,
                a_personal_token_is_stored_only_while_its_user_and_session_are_unchanged,
                no_key_survives_a_reset_it_raced,
            }
            passwords {
                a_change_ends_all_but_the_kept_session_and_every_key,
                a_reset_ends_every_session_sets_the_flag_and_tokens_end_when_asked,
                a_change_that_no_longer_holds_changes_nothing,
                no_key_survives_a_change_it_raced,
            }
            user_changes {
                role_changes_are_read_back_since_with_the_latest_time,
                role_changes_of_unknown_users_record_nothing,
                revoke_user_tokens_ends_exactly_that_users_live_personal_tokens,
            }
            instances {
                concurrent_rotations_across_instances_have_one_winner,
                concurrent_logins_across_instances_never_exceed_refuse_limit,
                concurrent_logins_across_instances_evict_down_to_the_limit,
            }
        );
    };
    (@expand $backend:ident, $open:path; $($group:ident { $($test:ident),* $(,)? })*) => {
        mod $backend {
            $(
                mod $group {
                    $(
                        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                        async fn $test() {
                            if let Some(db) = $open().await {
                                crate::contract::$group::$test(db).await;
                            }
                        }
                    )*
                }
            )*
        }
    };
}

contract_suite!(sqlite, crate::contract::backends::sqlite);
contract_suite!(postgres, crate::contract::backends::postgres);

/// What only the SQLite store has.
mod sqlite_only {
    use crate::contract::{migrations, sqlite_writer};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn unknown_refresh_tokens_never_reach_the_writer() {
        sqlite_writer::unknown_refresh_tokens_never_reach_the_writer().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_database_with_only_the_first_migration_gets_the_later_ones() {
        migrations::a_database_with_only_the_first_migration_gets_the_later_ones().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn an_old_style_database_is_adopted_without_running_anything_again() {
        migrations::an_old_style_database_is_adopted_without_running_anything_again().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_changed_migration_is_refused() {
        migrations::a_changed_migration_is_refused().await;
    }
}

/// What only the PostgreSQL store has.
mod postgres_only {
    use crate::contract::{pg_migrations, pg_schema::PgSchema, postgres_only, revocation_log};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_revocation_committed_late_is_read_by_a_later_read() {
        if let Some(schema) = PgSchema::create().await {
            revocation_log::a_revocation_committed_late_is_read_by_a_later_read(schema).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn open_accepts_postgres_urls() {
        if let Some(schema) = PgSchema::create().await {
            postgres_only::open_accepts_postgres_urls(schema).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_first_opens_migrate_once() {
        if let Some(schema) = PgSchema::create().await {
            postgres_only::concurrent_first_opens_migrate_once(schema).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn an_old_style_schema_is_adopted_without_running_anything_again() {
        if let Some(schema) = PgSchema::create().await {
            pg_migrations::an_old_style_schema_is_adopted_without_running_anything_again(schema)
                .await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_changed_migration_is_refused() {
        if let Some(schema) = PgSchema::create().await {
            pg_migrations::a_changed_migration_is_refused(schema).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn bulk_created_sessions_are_live() {
        if let Some(schema) = PgSchema::create().await {
            postgres_only::bulk_created_sessions_are_live(schema).await;
        }
    }
}
