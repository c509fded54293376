//! `/static/site-<hash>.css`: the one stylesheet, cacheable for a year because its address
//! changes with its content.

use std::sync::LazyLock;

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpRequest, HttpResponse};

use super::error::PageError;
use crate::compression::{self, Encoded};
use crate::views::assets;

/// The stylesheet in every coding, compressed once (forced at start by `startup`).
pub static CSS_ENCODED: LazyLock<Encoded> =
    LazyLock::new(|| Encoded::of(assets::CSS.as_str().to_owned().into(), "text/css"));

pub async fn get(req: HttpRequest, file: web::Path<String>) -> Result<HttpResponse, PageError> {
    if format!("/static/{file}") != *assets::CSS_PATH {
        return Err(PageError::NotFound("Filen finns inte.".into()));
    }
    let cache = CacheControl(vec![
        CacheDirective::Public,
        CacheDirective::MaxAge(31_536_000),
        CacheDirective::Extension("immutable".into(), None),
    ]);
    Ok(compression::respond_static(&req, &CSS_ENCODED, "text/css; charset=utf-8", cache))
}
