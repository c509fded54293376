//! HEAD on every GET route of the service (pages, open data, API, reports): link checkers,
//! monitors and caches ask with HEAD and expect the GET's status and headers.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Routes a HEAD request as the GET it stands for. The connection remembers the method the
/// client sent, so the server still sends no body (actix-http drops it for HEAD).
pub async fn as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
