//! What a signed-in page's handler takes: the acting person, the app's
//! state and the layout's context, in one extractor. Its `read` and
//! `write` run a service on the blocking pool, one trip per call, so a
//! handler reads: extract, call one service, render or redirect.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use time::Date;

use super::layout::PageContext;
use crate::auth::current::CurrentPerson;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::PersonId;
use crate::people::actor::Actor;
use crate::people::domain::Role;
use crate::state::{AppState, Ctx};
use crate::tx::{self, Tx};

pub struct Signed {
    pub actor: Actor,
    /// The signed-in person's id and role, for checks before any query.
    pub id: PersonId,
    pub role: Role,
    pub state: web::Data<AppState>,
    pub page: PageContext,
}

impl Signed {
    /// Refuses unless `allowed`; `why` is shown on the 403 page.
    pub fn require(&self, allowed: bool, why: &'static str) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden(why))
        }
    }

    /// Runs a read on the blocking pool.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut DbConnection, &Ctx, &Actor) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let (ctx, actor) = (self.state.ctx(), self.actor.clone());
        self.state
            .db
            .run(move |conn| work(conn, &ctx, &actor))
            .await
    }

    /// Runs a read of the thing `id` names (a page's path id), as the
    /// service's `work(conn, ctx, actor, id)` answers it.
    pub async fn read_of<I: Send + 'static, T: Send + 'static>(
        &self,
        id: I,
        work: impl FnOnce(&mut DbConnection, &Ctx, &Actor, I) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.read(move |conn, ctx, actor| work(conn, ctx, actor, id))
            .await
    }

    /// Runs a change as one transaction on the blocking pool.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Tx) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let (ctx, actor) = (self.state.ctx(), self.actor.clone());
        self.state
            .db
            .run(move |conn| tx::write(conn, &ctx, &actor, work))
            .await
    }

    /// Today in the school's time zone.
    pub fn today(&self) -> Date {
        super::format::local_date(self.state.clock.now(), self.state.settings.time_zone)
    }

    pub fn zone(&self) -> &'static time_tz::Tz {
        self.state.settings.time_zone
    }
}

impl FromRequest for Signed {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let person = CurrentPerson::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let me = person.await?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?
                .clone();
            Ok(Self {
                actor: Actor::Person {
                    id: me.id,
                    name: me.name,
                    role: me.role,
                },
                id: me.id,
                role: me.role,
                state,
                page: PageContext::build(&req).await?,
            })
        })
    }
}
