//! The floor: the least a list page can cost on this machine. A bare
//! actix-web handler that loads the 50 newest audit events from the same
//! database with diesel (no `MultiConnection`, no session, no layout, no
//! trip to the blocking pool) and
//! renders them with askama into a minimal page, on its own loopback port.
//! `?from=YYYY-MM-DD&until=YYYY-MM-DD` narrows it to those days, as the
//! audit page's filter does. Every figure is printed as a ratio to it.

use actix_web::{error::ErrorInternalServerError, web, App, HttpResponse, HttpServer};
use askama::Template;
use custodian::db::schema::audit_events;
use custodian::db::DatabaseUrl;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use serde::Deserialize;
use time::PrimitiveDateTime;

const PAGE_SIZE: i64 = 50;

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct Row {
    occurred_at: PrimitiveDateTime,
    actor_kind: String,
    actor_id: Option<String>,
    action: String,
    subject_type: String,
    subject_id: String,
    summary: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit log</title></head>
<body><h1>Audit log</h1>
<table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Record</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.when }}</td><td>{{ row.actor }}</td><td>{{ row.summary }}<br><span>{{ row.action }}</span></td><td><a href="/{{ row.subject_type }}/{{ row.subject_id }}">{{ row.subject_type }}</a></td></tr>
{% endfor %}</tbody></table></body></html>"#
)]
struct FloorPage {
    rows: Vec<RowView>,
}

struct RowView {
    when: String,
    actor: String,
    action: String,
    subject_type: String,
    subject_id: String,
    summary: String,
}

impl From<Row> for RowView {
    fn from(row: Row) -> Self {
        let t = row.occurred_at;
        RowView {
            when: format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute()),
            actor: row.actor_id.unwrap_or(row.actor_kind),
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            summary: row.summary,
        }
    }
}

/// The bare page's own pool, straight on the backend's connection type.
enum FloorPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Postgres(Pool<ConnectionManager<PgConnection>>),
}

type Range = Option<(PrimitiveDateTime, PrimitiveDateTime)>;

/// The same queries for either backend, written once. Neither is boxed, so
/// diesel keeps both prepared.
macro_rules! newest {
    ($conn:expr, $range:expr) => {{
        let newest = audit_events::table
            .select(Row::as_select())
            .order(audit_events::seq.desc())
            .limit(PAGE_SIZE);
        match $range {
            None => newest.load::<Row>($conn),
            Some((from, until)) => newest
                .filter(audit_events::occurred_at.ge(from))
                .filter(audit_events::occurred_at.lt(until))
                .load::<Row>($conn),
        }
    }};
}

impl FloorPool {
    fn newest(&self, range: Range) -> anyhow::Result<Vec<Row>> {
        Ok(match self {
            FloorPool::Sqlite(pool) => newest!(&mut *pool.get()?, range)?,
            FloorPool::Postgres(pool) => newest!(&mut *pool.get()?, range)?,
        })
    }
}

#[derive(Deserialize)]
struct Query {
    from: Option<String>,
    until: Option<String>,
}

/// A date's midnight, UTC; `until` is the start of the day after.
fn range(query: &Query) -> Range {
    let day = |raw: &Option<String>| raw.as_deref().and_then(custodian::clock::parse_date);
    let from = day(&query.from)?;
    let until = day(&query.until)?.next_day()?;
    Some((from.midnight(), until.midnight()))
}

async fn audit_get(
    pool: web::Data<FloorPool>,
    query: web::Query<Query>,
) -> actix_web::Result<HttpResponse> {
    let range = range(&query);
    // On the worker itself, with no trip to the blocking pool: the app may
    // not (a slow query would stall the worker's other requests), so the
    // floor is a little lower than any correct page can reach. Through
    // `web::block` it costs about twice the CPU a request.
    let rows = pool.newest(range).map_err(ErrorInternalServerError)?;
    let page = FloorPage {
        rows: rows.into_iter().map(RowView::from).collect(),
    };
    let body = page.render().map_err(ErrorInternalServerError)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// The floor, serving; stops when dropped.
pub struct Floor {
    pub address: String,
    handle: actix_web::dev::ServerHandle,
}

impl Floor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// Starts the floor on the app's database, with a pool of the app's size.
pub fn start(url: &DatabaseUrl, pool_size: u32) -> Floor {
    let pool = match url {
        DatabaseUrl::Sqlite(path) => FloorPool::Sqlite(
            Pool::builder()
                .max_size(pool_size)
                .connection_customizer(Box::new(BusyTimeout))
                .build(ConnectionManager::new(path.to_string_lossy()))
                .expect("the floor's pool"),
        ),
        DatabaseUrl::Postgres(url) => FloorPool::Postgres(
            Pool::builder()
                .max_size(pool_size)
                .build(ConnectionManager::new(url))
                .expect("the floor's pool"),
        ),
    };
    let data = web::Data::new(pool);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/audit", web::get().to(audit_get))
    })
    .bind("127.0.0.1:0")
    .expect("the floor binds");
    let address = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Floor { address, handle }
}

/// Readers wait for a writer's checkpoint instead of failing.
#[derive(Debug)]
struct BusyTimeout;

impl diesel::r2d2::CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for BusyTimeout {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        diesel::sql_query("PRAGMA busy_timeout = 10000")
            .execute(conn)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }
}
