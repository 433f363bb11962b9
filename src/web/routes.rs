//! A register's route table, one row a route.

/// `routes!(cfg; get urls::PEOPLE => handlers::list_get, ...)`: one
/// `cfg.route` a row, each its own resource guarded by its method (as
/// `cfg.route` makes it), so a path answers only the methods listed and
/// rows match in the order written. Gives back `cfg`, for more to follow.
macro_rules! routes {
    ($cfg:expr; $($method:ident $path:expr => $handler:expr),+ $(,)?) => {
        $cfg$(.route($path, ::actix_web::web::$method().to($handler)))+
    };
}

pub(crate) use routes;
