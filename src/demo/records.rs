//! The demo's declarations and concerns, in every state.

use crate::clock::{Clock, ManualClock};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::people::actor::Actor;
use crate::people::domain::Person;
use crate::state::Ctx;
use crate::tx::{self, Tx};

/// One step as `person` would take it: one transaction, as on the web.
fn as_<T>(
    conn: &mut DbConnection,
    ctx: &Ctx,
    person: &Person,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    tx::write(conn, ctx, &Actor::person(person), work)
}

/// A 1x1 PNG, standing in for a screenshot.
const SCREENSHOT: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x04\x00\x00\x00\xb5\x1c\x0c\x02\x00\x00\x00\x0b\x49\x44\x41\x54\x78\xda\x63\x64\x60\x00\x00\x00\x06\x00\x02\x30\x81\xd0\x2f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// Concerns in every state: open, under review with an overdue LADO
/// referral, closed both ways, one about the head for the chair, and one
/// that implicates the head and the chair and went to the LADO.
pub(super) fn seed_concerns(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person; 7],
) -> Result<(), AppError> {
    use crate::concerns::domain::{
        ActionKind, Classification, NewConcern, Outcome, RaiseInput, Upload,
    };
    use crate::concerns::service as concerns;
    use crate::concerns::steps::Step;
    let [head, deputy, priya, tom, amira, sam, chair] = people;
    let today = || crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let raise = |conn: &mut DbConnection,
                 by: &Person,
                 about: &str,
                 person: Option<&Person>,
                 detail: &str,
                 what: &str,
                 files: Vec<Upload>| {
        let input = RaiseInput {
            about: about.into(),
            about_person: person.map(|p| p.id.to_string()).unwrap_or_default(),
            about_detail: detail.into(),
            implicates_chair: false,
            happened_on: (today() - time::Duration::days(1)).to_string(),
            what_happened: what.into(),
            ..RaiseInput::default()
        };
        let new = NewConcern::parse(&input, today())
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
        as_(conn, ctx, by, |tx| concerns::raise(tx, Ok(new), files)).map(|r| r.concern)
    };
    let step = |conn: &mut DbConnection, by: &Person, id, step| {
        concerns::take_step(conn, ctx, &Actor::person(by), id, Ok(step))
    };
    let screenshot = || {
        vec![Upload {
            file_name: "screenshot.png".into(),
            content_type: "image/png",
            bytes: SCREENSHOT.to_vec(),
        }]
    };

    // Closed as a low-level concern, the person informed.
    let low = raise(
        conn,
        amira,
        "staff",
        Some(sam),
        "",
        "Sam accepted a friend request from a Year 5 parent and commented on their holiday photos.",
        screenshot(),
    )?;
    clock.advance(time::Duration::days(1));
    step(
        conn,
        head,
        low.id,
        Step::Classify {
            as_: Classification::LowLevel,
            text: "Below the harm threshold; a boundary issue.".into(),
        },
    )?;
    step(
        conn,
        head,
        low.id,
        Step::Action {
            kind: ActionKind::SpokeWithPerson,
            on: today(),
            reference: String::new(),
            text: "Went through clause d of the policy with Sam.".into(),
        },
    )?;
    step(
        conn,
        head,
        low.id,
        Step::Close {
            outcome: Outcome::RecordedLowLevel,
            summary:
                "Advice given on friend requests from parents; recorded as a low-level concern."
                    .into(),
        },
    )?;
    step(
        conn,
        head,
        low.id,
        Step::Informed {
            on: today(),
            text: String::new(),
        },
    )?;

    // Closed as not a concern.
    let post = raise(
        conn,
        tom,
        "community",
        None,
        "A comment on the PTA's Facebook group",
        "A parent complained about the school car park and named no one.",
        vec![],
    )?;
    step(
        conn,
        head,
        post.id,
        Step::Classify {
            as_: Classification::NotAConcern,
            text: "Negative feedback, not about a person.".into(),
        },
    )?;
    step(
        conn,
        head,
        post.id,
        Step::Close {
            outcome: Outcome::NoFurtherAction,
            summary: "No names, no children: left to the PTA's moderators.".into(),
        },
    )?;

    // About the head: the chair reviews it; the head never sees it.
    clock.advance(time::Duration::days(2));
    let about_head = raise(
        conn,
        deputy,
        "headteacher",
        None,
        "",
        "The head's personal Instagram account follows several current parents.",
        screenshot(),
    )?;
    step(
        conn,
        chair,
        about_head.id,
        Step::Note {
            text: "Asked the clerk for the policy's wording on personal accounts.".into(),
        },
    )?;

    // Implicating the head and the chair: straight to the LADO.
    let input = RaiseInput {
        about: "headteacher".into(),
        implicates_chair: true,
        happened_on: (today() - time::Duration::days(3)).to_string(),
        what_happened: "Messages between the head, the chair and a parent about a pupil.".into(),
        ..RaiseInput::default()
    };
    let new = NewConcern::parse(&input, today())
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
    as_(conn, ctx, priya, |tx| concerns::raise(tx, Ok(new), vec![]))?;

    // An allegation, referred to the LADO and closed with KCSIE's outcome.
    clock.advance(time::Duration::days(3));
    let allegation = raise(
        conn,
        priya,
        "staff",
        Some(tom),
        "",
        "A parent reports that Tom messaged their child through a gaming platform.",
        vec![],
    )?;
    step(
        conn,
        head,
        allegation.id,
        Step::Classify {
            as_: Classification::Allegation,
            text: "May meet the harm threshold.".into(),
        },
    )?;
    step(
        conn,
        head,
        allegation.id,
        Step::Action {
            kind: ActionKind::LadoReferral,
            on: today(),
            reference: "LADO/2026/0412".into(),
            text: "The LADO advised an internal investigation.".into(),
        },
    )?;
    clock.advance(time::Duration::days(7));
    step(
        conn,
        head,
        allegation.id,
        Step::Close {
            outcome: Outcome::Unsubstantiated,
            summary: "The platform account was not Tom's; no evidence either way.".into(),
        },
    )?;

    // Open and waiting, and an allegation whose LADO referral is overdue.
    clock.advance(time::Duration::days(2));
    let account = crate::accounts::store::list_accounts(conn)?
        .into_iter()
        .find(|a| a.closed_at.is_none())
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the demo school has accounts")))?;
    let input = RaiseInput {
        about: "account".into(),
        about_account: account.id.to_string(),
        about_detail: "The photo of sports day".into(),
        happened_on: today().to_string(),
        what_happened: "The sports day photo shows a child whose parents said no to photographs."
            .into(),
        ..RaiseInput::default()
    };
    let new = NewConcern::parse(&input, today())
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
    as_(conn, ctx, sam, |tx| {
        concerns::raise(tx, Ok(new), screenshot())
    })?;
    let overdue = raise(
        conn,
        tom,
        "staff",
        Some(deputy),
        "",
        "A parent says David shared a video of the class on his personal account.",
        vec![],
    )?;
    step(
        conn,
        head,
        overdue.id,
        Step::Classify {
            as_: Classification::Allegation,
            text: "Possible breach with a risk to children.".into(),
        },
    )?;
    Ok(())
}

/// Declarations in every state, a nil return, and the head's own for the chair.
pub(super) fn seed_declarations(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person; 7],
) -> Result<(), AppError> {
    use crate::declarations::domain::Details;
    use crate::declarations::service as declarations;
    let [head, deputy, priya, tom, amira, sam, _chair] = people;
    let details = |name: &str, class: &str, nature: &str, platforms: &[&str], description: &str| {
        let platforms: Vec<String> = platforms.iter().map(|p| (*p).to_owned()).collect();
        Details::parse(
            name,
            "parent_carer",
            class,
            nature,
            platforms.is_empty(),
            &platforms,
            "September 2022",
            description,
        )
    };
    // Declares as `by`, as their form on the web would.
    let declare = |conn: &mut DbConnection,
                   by: &Person,
                   name: &str,
                   class: &str,
                   nature: &str,
                   platforms: &[&str],
                   description: &str| {
        let details = details(name, class, nature, platforms, description);
        as_(conn, ctx, by, |tx| declarations::declare(tx, details))
    };
    // The head reviews a declaration.
    let review = |conn: &mut DbConnection, id, decision: &str, notes: &str, conditions: &str| {
        as_(conn, ctx, head, |tx| {
            declarations::review(tx, id, decision, notes, conditions)
        })
    };
    // Acknowledged, with an agreed condition.
    let choir = declare(
        conn,
        tom,
        "Jordan Whitfield",
        "Year 4",
        "club_or_faith",
        &[],
        "We sing in the same church choir.",
    )?;
    review(
        conn,
        choir,
        "acknowledge",
        "Thank you for telling me.",
        "No discussion of school matters outside school.",
    )?;
    // Returned for more detail, then updated: awaiting review again.
    let neighbour = declare(
        conn,
        amira,
        "Chris Patel",
        "Year 2",
        "neighbour",
        &[],
        "Next door.",
    )?;
    review(
        conn,
        neighbour,
        "return",
        "How well do you know the family?",
        "",
    )?;
    clock.advance(time::Duration::days(1));
    as_(conn, ctx, amira, |tx| {
        declarations::update(
            tx,
            neighbour,
            details(
                "Chris Patel",
                "Year 2",
                "neighbour",
                &["WhatsApp"],
                "Next-door neighbours for six years; we share a street WhatsApp group.",
            ),
        )
    })?;
    // Returned, still waiting for the declarant.
    let returned = declare(
        conn,
        priya,
        "Jo Rivers",
        "Class 3B",
        "relative",
        &[],
        "My sister-in-law.",
    )?;
    review(conn, returned, "return", "Which pupil is in Class 3B?", "")?;
    // Awaiting review.
    declare(
        conn,
        deputy,
        "Alex Morgan",
        "Year 6",
        "online",
        &["Facebook"],
        "Friends on Facebook from university.",
    )?;
    // Ended.
    let ended = declare(
        conn,
        sam,
        "Robin Hughes",
        "Year 6",
        "social_circle",
        &[],
        "Same running club.",
    )?;
    review(conn, ended, "acknowledge", "Noted.", "")?;
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let on = today.to_string();
    as_(conn, ctx, sam, |tx| {
        declarations::end(tx, ended, &on, "The pupil moved to secondary school")
    })?;
    // The head's own, reviewed by the chair.
    declare(
        conn,
        head,
        "Sam Taylor",
        "Reception",
        "relative",
        &[],
        "My cousin's child started in Reception.",
    )?;
    // This year's answers: Tom confirmed and Sam made a nil return; the
    // others are due, and the newcomer has never answered.
    as_(conn, ctx, tom, |tx| declarations::reconfirm(tx, false))?;
    as_(conn, ctx, sam, |tx| declarations::reconfirm(tx, true))?;
    Ok(())
}
