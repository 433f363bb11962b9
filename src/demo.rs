//! `custodian demo`: a fictional school on a fresh database of its own,
//! for a newcomer's first look. Never touches the real data.

use std::process::ExitCode;
use std::sync::Arc;

use std::collections::HashMap;

use crate::accounts::domain::{Account, NewAccount, NewGrant};
use crate::accounts::service::{self as accounts, By};
use crate::audit::Actor;
use crate::auth::password::{Hasher, NewPassword};
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db, DbConnection};
use crate::error::AppError;
use crate::ids::GrantId;
use crate::people::domain::{NewPerson, Person, Role};
use crate::people::service::{self, ChangedBy};
use crate::startup::{Application, Ctx};

/// Every demo person signs in with this.
pub const DEMO_PASSWORD: &str = "oakfield demo password";

const PEOPLE: [(&str, &str, Role); 7] = [
    ("Helen Carter", "head@oakfield.example", Role::Headteacher),
    ("David Okafor", "deputy@oakfield.example", Role::Slt),
    ("Priya Shah", "slt@oakfield.example", Role::Slt),
    ("Tom Reed", "teacher@oakfield.example", Role::Staff),
    ("Amira Hussain", "ta@oakfield.example", Role::Staff),
    ("Sam Fletcher", "volunteer@oakfield.example", Role::Staff),
    ("Margaret Ellis", "chair@oakfield.example", Role::Chair),
];

pub fn run(mut settings: Settings) -> anyhow::Result<ExitCode> {
    let folder = settings.data_dir.join("demo");
    if folder.exists() {
        std::fs::remove_dir_all(&folder)?;
    }
    crate::db::files::create_private_dir(&settings.data_dir)?;
    crate::db::files::create_private_dir(&folder)?;
    settings.database_url = DatabaseUrl::Sqlite(folder.join("custodian-demo.db"));
    if settings.school_name == "Our School" {
        settings.school_name = "Oakfield Primary School (demo)".into();
    }
    seed(&settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app = Application::build(settings, Arc::new(SystemClock)).await?;
        crate::cli::announce(&app);
        println!("Demo sign-ins (password for everyone: \"{DEMO_PASSWORD}\"):");
        for (name, email, role) in PEOPLE {
            println!("  {:<20} {:<28} {}", role.label(), email, name);
        }
        println!(
            "The demo database is in {}; it is made afresh each time.",
            folder.display()
        );
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Fills a fresh database with the fictional school: its people, then a
/// term's history of official accounts, played on a clock that starts three
/// months ago, so the dates read true.
pub fn seed(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::open(&settings.database_url, 2)?;
    let clock = ManualClock::new(time::OffsetDateTime::now_utc() - time::Duration::days(90));
    let ctx = Ctx {
        settings: Arc::new(settings.clone()),
        clock: Arc::new(clock.clone()),
    };
    let hasher = Hasher::new(settings.password_hashing);
    let hash =
        hasher.hash_blocking(&NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?);
    let mut conn = db.conn()?;
    let conn = &mut *conn;
    let cli = ChangedBy::cli();
    let mut people = Vec::new();
    for (name, email, role) in PEOPLE {
        people.push(add(
            conn,
            &ctx,
            &cli,
            name,
            email,
            role,
            Some(hash.clone()),
        )?);
    }
    // A newcomer who has not yet accepted their invitation, and a leaver.
    add(
        conn,
        &ctx,
        &cli,
        "Grace Lee",
        "newstarter@oakfield.example",
        Role::Staff,
        None,
    )?;
    let leaver = add(
        conn,
        &ctx,
        &cli,
        "Ben Morris",
        "leaver@oakfield.example",
        Role::Staff,
        Some(hash),
    )?;
    let [head, deputy, priya, tom, amira, sam, _chair] = &people[..] else {
        anyhow::bail!("the demo school has seven people");
    };
    let as_by = |p: &Person| By {
        id: p.id,
        name: p.name.clone(),
        role: p.role,
    };
    let today =
        |clock: &ManualClock| crate::web::format::local_date(clock.now(), settings.time_zone);
    let fail = |e: AppError| anyhow::anyhow!("{e:?}");
    let form = |e: crate::error::FormErrors| anyhow::anyhow!("{e:?}");

    // The accounts: one opened now, two that already existed.
    let facebook = NewAccount::parse(
        "facebook",
        "Oakfield Primary School",
        "https://www.facebook.com/oakfieldprimary.example",
        "News, events and celebrations for families",
        None,
        today(&clock),
    )
    .map_err(form)?;
    let facebook = accounts::open(conn, &ctx, &as_by(head), facebook)
        .map_err(fail)?
        .map_err(form)?;
    let opened_on = (today(&clock) - time::Duration::days(900)).to_string();
    let head_id = head.id.to_string();
    let x = NewAccount::parse(
        "x",
        "@OakfieldPS",
        "https://x.com/OakfieldPS",
        "School announcements, such as closures for snow",
        Some((&opened_on, &head_id)),
        today(&clock),
    )
    .map_err(form)?;
    let x = accounts::open(conn, &ctx, &as_by(deputy), x)
        .map_err(fail)?
        .map_err(form)?;
    let priya_id = priya.id.to_string();
    let instagram = NewAccount::parse(
        "instagram",
        "@oakfield.primary",
        "https://www.instagram.com/oakfield.primary",
        "Photographs of pupils' work and learning",
        Some((
            &(today(&clock) - time::Duration::days(400)).to_string(),
            &priya_id,
        )),
        today(&clock),
    )
    .map_err(form)?;
    let instagram = accounts::open(conn, &ctx, &as_by(deputy), instagram)
        .map_err(fail)?
        .map_err(form)?;
    accounts::add_custodian(conn, &ctx, &as_by(head), facebook.id, priya.id).map_err(fail)?;

    clock.advance(time::Duration::days(3));
    let grant = |conn: &mut DbConnection,
                 account: &Account,
                 to: &Person,
                 aim: &str,
                 purpose: &str,
                 ends: Option<time::Date>| {
        let ends = ends.map(|d| d.to_string()).unwrap_or_default();
        let new = NewGrant::parse(&to.id.to_string(), aim, purpose, &ends, today(&clock))
            .map_err(form)?;
        accounts::grant(conn, &ctx, &as_by(deputy), account.id, new)
            .map_err(fail)?
            .map_err(form)
    };
    // Live, confirmed.
    let amira_instagram = grant(
        conn,
        &instagram,
        amira,
        "achievements",
        "Posting photographs of class work",
        None,
    )?;
    accounts::confirm(conn, &ctx, amira.id, amira_instagram.id).map_err(fail)?;
    // Live, with an end date ahead: the residential trip.
    grant(
        conn,
        &facebook,
        tom,
        "events",
        "News from the Year 6 residential trip",
        Some(today(&clock) + time::Duration::days(120)),
    )?;
    // Live, not yet confirmed.
    grant(
        conn,
        &x,
        amira,
        "announcements",
        "Cover for snow-day announcements",
        None,
    )?;
    // Ends on its date, a week later.
    grant(
        conn,
        &facebook,
        sam,
        "events",
        "Photographs of the harvest festival",
        Some(today(&clock) + time::Duration::days(7)),
    )?;
    // The leaver held access.
    grant(
        conn,
        &instagram,
        &leaver,
        "community",
        "Posting PTA fair notices",
        None,
    )?;

    clock.advance(time::Duration::days(14));
    accounts::expire_due(conn, &ctx).map_err(fail)?;
    accounts::record_password_change(
        conn,
        &ctx,
        &as_by(head),
        facebook.id,
        today(&clock),
        "Changed in the password manager",
    )
    .map_err(fail)?;

    clock.advance(time::Duration::days(20));
    let head_by = ChangedBy {
        actor: Actor::Person(head.id),
        role: Some(Role::Headteacher),
        name: head.name.clone(),
    };
    service::deactivate(conn, &ctx, &head_by, leaver.id).map_err(fail)?;
    accounts::record_password_change(conn, &ctx, &as_by(priya), instagram.id, today(&clock), "")
        .map_err(fail)?;
    let review: HashMap<GrantId, bool> = [(amira_instagram.id, true)].into_iter().collect();
    accounts::review(
        conn,
        &ctx,
        &as_by(priya),
        instagram.id,
        &review,
        "Still needed for class posts",
    )
    .map_err(fail)?
    .map_err(form)?;

    clock.advance(time::Duration::days(30));
    // A grant revoked: the password change is still due on the demo's day.
    let sam_x = grant(conn, &x, sam, "announcements", "Sports day results", None)?;
    clock.advance(time::Duration::days(2));
    accounts::revoke(conn, &ctx, &as_by(head), sam_x.id, "Sports day is over").map_err(fail)?;

    // And an account the school no longer uses.
    let youtube = NewAccount::parse(
        "youtube",
        "Oakfield Primary Choir",
        "https://www.youtube.com/@oakfieldchoir",
        "Choir performances",
        Some((
            &(today(&clock) - time::Duration::days(1500)).to_string(),
            &head_id,
        )),
        today(&clock),
    )
    .map_err(form)?;
    let youtube = accounts::open(conn, &ctx, &as_by(head), youtube)
        .map_err(fail)?
        .map_err(form)?;
    accounts::close(
        conn,
        &ctx,
        &as_by(head),
        youtube.id,
        "Replaced by the school website's video page",
    )
    .map_err(fail)?;

    seed_declarations(conn, &ctx, &clock, &people).map_err(fail)?;
    seed_concerns(conn, &ctx, &clock, &people).map_err(fail)?;
    seed_moderation(conn, &ctx, &clock, &people).map_err(fail)?;
    seed_policy(conn, &ctx, &clock, &people).map_err(fail)
}

/// The school's Social Networking Policy, as the demo's first version.
const POLICY: &str = include_str!("demo_policy.md");

/// The head publishes the policy; everyone is asked, and three confirm.
fn seed_policy(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person],
) -> Result<(), AppError> {
    use crate::policy::domain::NewVersion;
    use crate::policy::service as policy;
    let [head, _deputy, priya, tom, _amira, _sam, _chair] = people else {
        return Err(AppError::internal(anyhow::anyhow!(
            "the demo school has seven people"
        )));
    };
    let me = |p: &Person| crate::auth::current::CurrentPerson {
        id: p.id,
        name: p.name.clone(),
        email: p.email.clone(),
        role: p.role,
    };
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let new = NewVersion::parse(
        POLICY,
        &today.to_string(),
        "The policy as adopted by the governing body, now kept in Custodian.",
    )
    .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
    let number = policy::publish(conn, ctx, &me(head), new)?;
    policy::send_requests(conn, ctx)?;
    clock.advance(time::Duration::days(1));
    for person in [head, priya, tom] {
        policy::acknowledge(conn, ctx, &me(person), number)?;
    }
    Ok(())
}

/// The moderation log: SLT and two members of staff with live grants keep
/// the accounts to Appendix 2.
fn seed_moderation(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person],
) -> Result<(), AppError> {
    use crate::accounts::domain::Platform;
    use crate::moderation::domain::NewAction;
    use crate::moderation::service as moderation;
    let [_head, deputy, priya, tom, amira, _sam, _chair] = people else {
        return Err(AppError::internal(anyhow::anyhow!(
            "the demo school has seven people"
        )));
    };
    let accounts = crate::accounts::store::list_accounts(conn)?;
    let on = |platform: Platform| {
        accounts
            .iter()
            .find(|a| a.platform == platform && a.is_open())
            .map(|a| a.id)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no open {platform:?} account")))
    };
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    let entries = [
        (
            priya,
            Platform::Facebook,
            "follower_blocked",
            12,
            "advertising",
            "A page selling tutoring kept posting under our news.",
        ),
        (
            tom,
            Platform::Facebook,
            "comment_removed",
            9,
            "negative_feedback",
            "A complaint about homework; the parent was invited to come in.",
        ),
        (
            amira,
            Platform::Instagram,
            "comment_removed",
            5,
            "identifying_children",
            "A comment gave a child's full name under the art display photo.",
        ),
        (
            deputy,
            Platform::X,
            "post_reported",
            2,
            "offensive",
            "A reply with offensive language, reported to the platform.",
        ),
    ];
    for (who, platform, kind, days_ago, reason, note) in entries {
        let occurred = (today - time::Duration::days(days_ago)).to_string();
        let new = NewAction::parse(kind, &occurred, reason, note, today)
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))?;
        let me = crate::auth::current::CurrentPerson {
            id: who.id,
            name: who.name.clone(),
            email: who.email.clone(),
            role: who.role,
        };
        moderation::record(conn, ctx, &me, on(platform)?, new)?;
    }
    Ok(())
}

/// A 1x1 PNG, standing in for a screenshot.
const SCREENSHOT: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x04\x00\x00\x00\xb5\x1c\x0c\x02\x00\x00\x00\x0b\x49\x44\x41\x54\x78\xda\x63\x64\x60\x00\x00\x00\x06\x00\x02\x30\x81\xd0\x2f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// Concerns in every state: open, under review with an overdue LADO
/// referral, closed both ways, one about the head for the chair, and one
/// that implicates the head and the chair and went to the LADO.
fn seed_concerns(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person],
) -> Result<(), AppError> {
    use crate::auth::current::CurrentPerson;
    use crate::concerns::domain::{ActionKind, Classification, NewConcern, Outcome, RaiseInput};
    use crate::concerns::service::{self as concerns, Step, Upload};
    let [head, deputy, priya, tom, amira, sam, chair] = people else {
        return Err(AppError::internal(anyhow::anyhow!(
            "the demo school has seven people"
        )));
    };
    let me = |p: &Person| CurrentPerson {
        id: p.id,
        name: p.name.clone(),
        email: p.email.clone(),
        role: p.role,
    };
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
        concerns::raise(conn, ctx, &me(by), new, files)
    };
    let step = |conn: &mut DbConnection, by: &Person, id, step| {
        concerns::add_step(conn, ctx, &me(by), id, step)
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
    concerns::raise(conn, ctx, &me(priya), new, vec![])?;

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
    concerns::raise(conn, ctx, &me(sam), new, screenshot())?;
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
fn seed_declarations(
    conn: &mut DbConnection,
    ctx: &Ctx,
    clock: &ManualClock,
    people: &[Person],
) -> Result<(), AppError> {
    use crate::declarations::domain::Details;
    use crate::declarations::service as declarations;
    let [head, deputy, priya, tom, amira, sam, _chair] = people else {
        return Err(AppError::internal(anyhow::anyhow!(
            "the demo school has seven people"
        )));
    };
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
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e:?}")))
    };
    // Acknowledged, with an agreed condition.
    let choir = declarations::declare(
        conn,
        ctx,
        tom,
        details(
            "Jordan Whitfield",
            "Year 4",
            "club_or_faith",
            &[],
            "We sing in the same church choir.",
        )?,
    )?;
    declarations::review(
        conn,
        ctx,
        head,
        choir,
        true,
        "Thank you for telling me.",
        "No discussion of school matters outside school.",
    )?;
    // Returned for more detail, then updated: awaiting review again.
    let neighbour = declarations::declare(
        conn,
        ctx,
        amira,
        details("Chris Patel", "Year 2", "neighbour", &[], "Next door.")?,
    )?;
    declarations::review(
        conn,
        ctx,
        head,
        neighbour,
        false,
        "How well do you know the family?",
        "",
    )?;
    clock.advance(time::Duration::days(1));
    declarations::update(
        conn,
        ctx,
        amira,
        neighbour,
        details(
            "Chris Patel",
            "Year 2",
            "neighbour",
            &["WhatsApp"],
            "Next-door neighbours for six years; we share a street WhatsApp group.",
        )?,
    )?;
    // Returned, still waiting for the declarant.
    let returned = declarations::declare(
        conn,
        ctx,
        priya,
        details(
            "Jo Rivers",
            "Class 3B",
            "relative",
            &[],
            "My sister-in-law.",
        )?,
    )?;
    declarations::review(
        conn,
        ctx,
        head,
        returned,
        false,
        "Which pupil is in Class 3B?",
        "",
    )?;
    // Awaiting review.
    declarations::declare(
        conn,
        ctx,
        deputy,
        details(
            "Alex Morgan",
            "Year 6",
            "online",
            &["Facebook"],
            "Friends on Facebook from university.",
        )?,
    )?;
    // Ended.
    let ended = declarations::declare(
        conn,
        ctx,
        sam,
        details(
            "Robin Hughes",
            "Year 6",
            "social_circle",
            &[],
            "Same running club.",
        )?,
    )?;
    declarations::review(conn, ctx, head, ended, true, "Noted.", "")?;
    let today = crate::web::format::local_date(clock.now(), ctx.settings.time_zone);
    declarations::end(
        conn,
        ctx,
        sam,
        ended,
        today,
        "The pupil moved to secondary school",
    )?;
    // The head's own, reviewed by the chair.
    declarations::declare(
        conn,
        ctx,
        head,
        details(
            "Sam Taylor",
            "Reception",
            "relative",
            &[],
            "My cousin's child started in Reception.",
        )?,
    )?;
    // This year's answers: Tom confirmed and Sam made a nil return; the
    // others are due, and the newcomer has never answered.
    declarations::reconfirm(conn, ctx, tom, false)?
        .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    declarations::reconfirm(conn, ctx, sam, true)?
        .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    Ok(())
}

fn add(
    conn: &mut DbConnection,
    ctx: &Ctx,
    by: &ChangedBy,
    name: &str,
    email: &str,
    role: Role,
    hash: Option<String>,
) -> anyhow::Result<Person> {
    let new = NewPerson::parse(name, email, role.as_str()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(service::add(conn, ctx, by, new, hash)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .map_err(|e| anyhow::anyhow!(e.message()))?
        .person)
}
