//! The names and flags of Custodian's two cookies: the session and the
//! flash message shown once after a redirect.
//!
//! SECURITY: served over https, both are `__Host-` cookies: the browser
//! takes them only with Secure, Path=/ and no Domain, so neither another
//! host under the school's domain nor a plain-http page can plant or
//! overwrite them. Over plain http (a first look on a laptop) they are not
//! Secure, or the browser would drop them.

use actix_web::cookie::{Cookie, Key};
use actix_web::dev::ResponseHead;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::HttpRequest;
use actix_web_flash_messages::storage::{
    CookieMessageStore, FlashMessageStore, LoadError, StoreError,
};
use actix_web_flash_messages::FlashMessage;

/// The session cookie's name.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-custodian_session"
    } else {
        "custodian_session"
    }
}

/// The flash cookie's name.
pub fn flash_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-custodian_flash"
    } else {
        "custodian_flash"
    }
}

/// The signed flash cookie, with its Secure flag following the base URL as
/// the session cookie's does. (The framework's own store always sets
/// Secure, and leaves it off the cookie that clears the message, which a
/// browser refuses for a `__Host-` name.)
pub struct FlashCookieStore {
    inner: CookieMessageStore,
    name: &'static str,
    https: bool,
}

impl FlashCookieStore {
    pub fn new(key: Key, https: bool) -> Self {
        let name = flash_cookie_name(https);
        Self {
            inner: CookieMessageStore::builder(key)
                .cookie_name(name.to_owned())
                .path("/".to_owned())
                .build(),
            name,
            https,
        }
    }

    /// Sets this cookie's Secure flag and Path as they must be.
    fn fix(&self, value: &HeaderValue) -> Option<HeaderValue> {
        let mut cookie = Cookie::parse(value.to_str().ok()?.to_owned()).ok()?;
        if cookie.name() != self.name {
            return None;
        }
        cookie.set_secure(self.https);
        cookie.set_path("/");
        cookie.unset_domain();
        HeaderValue::from_str(&cookie.to_string()).ok()
    }
}

impl FlashMessageStore for FlashCookieStore {
    fn load(&self, request: &HttpRequest) -> Result<Vec<FlashMessage>, LoadError> {
        self.inner.load(request)
    }

    fn store(
        &self,
        messages: &[FlashMessage],
        request: HttpRequest,
        response: &mut ResponseHead,
    ) -> Result<(), StoreError> {
        self.inner.store(messages, request, response)?;
        let headers = response.headers_mut();
        let cookies: Vec<HeaderValue> = headers.remove(SET_COOKIE).collect();
        for value in cookies {
            let value = self.fix(&value).unwrap_or(value);
            headers.append(SET_COOKIE, value);
        }
        Ok(())
    }
}
