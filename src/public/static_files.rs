//! `/static/site-<hash>.css`: the one stylesheet, cacheable for a year because its address
//! changes with its content.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpResponse};

use super::error::PageError;
use crate::views::assets;

pub async fn get(file: web::Path<String>) -> Result<HttpResponse, PageError> {
    if format!("/static/{file}") != *assets::CSS_PATH {
        return Err(PageError::NotFound("Filen finns inte.".into()));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ]))
        .body(assets::CSS.as_str()))
}
