//! The tables, as diesel sees them; one schema for both backends.

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Nullable<Text>,
        created_at -> Timestamp,
        deactivated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (key_hash) {
        key_hash -> Text,
        person_id -> Nullable<Text>,
        state -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    person_tokens (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        person_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    chair_handovers (id) {
        id -> Text,
        from_person_id -> Text,
        to_person_id -> Text,
        outgoing_leaves -> Bool,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    sign_in_throttle (email) {
        email -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        summary -> Text,
        data -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    audit_verifications (id) {
        id -> Text,
        verified_at -> Timestamp,
        events_checked -> BigInt,
        ok -> Bool,
        detail -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        message_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
        recipients -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        link_purpose -> Nullable<Text>,
        link_person_id -> Nullable<Text>,
    }
}

diesel::table! {
    password_reset_throttle (person_id) {
        person_id -> Text,
        last_sent_at -> Timestamp,
    }
}

diesel::table! {
    outbox_attempts (id) {
        id -> Text,
        outbox_id -> Text,
        attempted_at -> Timestamp,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(outbox_attempts -> outbox (outbox_id));

diesel::table! {
    accounts (id) {
        id -> Text,
        platform -> Text,
        handle -> Text,
        profile_url -> Text,
        purpose -> Text,
        opened_by -> Text,
        opened_on -> Date,
        entered_by -> Text,
        entered_at -> Timestamp,
        recorded_as_existing -> Bool,
        password_change_due -> Bool,
        last_password_change_on -> Nullable<Date>,
        last_password_change_by -> Nullable<Text>,
        last_reviewed_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
        close_reason -> Nullable<Text>,
    }
}

diesel::table! {
    account_custodians (id) {
        id -> Text,
        account_id -> Text,
        person_id -> Text,
        added_at -> Timestamp,
        added_by -> Text,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<Text>,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        account_id -> Text,
        grantee_id -> Text,
        granted_by -> Text,
        granted_at -> Timestamp,
        aim -> Text,
        purpose -> Text,
        ends_on -> Nullable<Date>,
        message_id -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<Text>,
        end_kind -> Nullable<Text>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    password_changes (id) {
        id -> Text,
        account_id -> Text,
        changed_on -> Date,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        note -> Text,
    }
}

diesel::table! {
    access_reviews (id) {
        id -> Text,
        account_id -> Text,
        reviewed_by -> Text,
        reviewed_at -> Timestamp,
        kept -> Integer,
        revoked -> Integer,
        notes -> Text,
    }
}

diesel::table! {
    access_review_decisions (review_id, grant_id) {
        review_id -> Text,
        grant_id -> Text,
        decision -> Text,
    }
}

diesel::table! {
    declarations (id) {
        id -> Text,
        declarant_id -> Text,
        reviewer_role -> Text,
        state -> Text,
        current_version -> Integer,
        class_or_year -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        review_notes -> Nullable<Text>,
        conditions -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Text>,
        ended_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
    }
}

diesel::table! {
    declaration_versions (declaration_id, version) {
        declaration_id -> Text,
        version -> Integer,
        contact_name -> Text,
        link -> Text,
        class_or_year -> Text,
        nature -> Text,
        in_person -> Bool,
        platforms -> Text,
        since -> Text,
        description -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    reconfirmations (id) {
        id -> Text,
        person_id -> Text,
        school_year -> Integer,
        kind -> Text,
        confirmed_at -> Timestamp,
    }
}

diesel::table! {
    concerns (id) {
        id -> Text,
        number -> BigInt,
        raised_by -> Text,
        raised_at -> Timestamp,
        about_kind -> Text,
        about_person_id -> Nullable<Text>,
        about_account_id -> Nullable<Text>,
        about_detail -> Text,
        implicates_chair -> Bool,
        happened_on -> Date,
        what_happened -> Text,
        reviewer_role -> Text,
        channel_number -> BigInt,
    }
}

diesel::table! {
    concern_series (channel) {
        channel -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    concern_cases (concern_id) {
        concern_id -> Text,
        reviewer_role -> Text,
        status -> Text,
        classification -> Nullable<Text>,
        lado_due_at -> Nullable<Timestamp>,
        lado_referred_on -> Nullable<Date>,
        outcome -> Nullable<Text>,
        closing_summary -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        person_informed_on -> Nullable<Date>,
        raised_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    concern_evidence (id) {
        id -> Text,
        concern_id -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        added_at -> Timestamp,
    }
}

diesel::table! {
    concern_entries (id) {
        id -> Text,
        concern_id -> Text,
        recorded_at -> Timestamp,
        author_id -> Text,
        kind -> Text,
        code -> Nullable<Text>,
        on_date -> Nullable<Date>,
        reference -> Nullable<Text>,
        body -> Text,
    }
}

diesel::table! {
    policy_versions (id) {
        id -> Text,
        number -> Integer,
        body -> Text,
        effective_on -> Date,
        summary -> Text,
        published_at -> Timestamp,
        published_by -> Text,
    }
}

diesel::table! {
    policy_acknowledgements (version_id, person_id) {
        version_id -> Text,
        person_id -> Text,
        acknowledged_at -> Timestamp,
    }
}

diesel::table! {
    campaign_requests (campaign, person_id) {
        campaign -> Text,
        person_id -> Text,
        asked_at -> Timestamp,
        first_reminder_at -> Nullable<Timestamp>,
        second_reminder_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    moderation_actions (id) {
        id -> Text,
        account_id -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        occurred_on -> Date,
        kind -> Text,
        reason -> Text,
        note -> Text,
    }
}

diesel::table! {
    digests (recipient_id, week_start) {
        recipient_id -> Text,
        week_start -> Date,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    digest_opt_outs (person_id) {
        person_id -> Text,
        opted_out_at -> Timestamp,
    }
}

diesel::joinable!(declaration_versions -> declarations (declaration_id));
diesel::joinable!(policy_acknowledgements -> policy_versions (version_id));
diesel::joinable!(moderation_actions -> accounts (account_id));
diesel::joinable!(concern_cases -> concerns (concern_id));
diesel::joinable!(concern_evidence -> concerns (concern_id));
diesel::joinable!(concern_entries -> concerns (concern_id));
diesel::joinable!(account_custodians -> accounts (account_id));
diesel::joinable!(grants -> accounts (account_id));
diesel::joinable!(password_changes -> accounts (account_id));
diesel::joinable!(access_reviews -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    policy_versions,
    policy_acknowledgements,
    campaign_requests,
    moderation_actions,
    digests,
    digest_opt_outs,
    concerns,
    concern_series,
    concern_cases,
    concern_evidence,
    concern_entries,
    declarations,
    declaration_versions,
    reconfirmations,
    accounts,
    account_custodians,
    grants,
    password_changes,
    access_reviews,
    access_review_decisions,
    outbox_attempts,
    app_secrets,
    people,
    web_sessions,
    person_tokens,
    chair_handovers,
    sign_in_throttle,
    audit_events,
    audit_head,
    audit_verifications,
    outbox,
);
