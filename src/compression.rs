//! Content codings for the responses ratify keeps (the page cache, the stylesheet): each body is
//! compressed once, when it is rendered, in gzip and brotli, and every request gets the best
//! coding its `Accept-Encoding` allows (RFC 9110 §12.5.3: q-values, `*`, `identity;q=0`).
//! Compressing per request would cost more than serving; compressing once costs a few
//! milliseconds per render (measured in `bench/RESULTS.md`).

use std::io::Write;

use actix_web::http::header::{HeaderMap, ACCEPT_ENCODING};
use actix_web::web::Bytes;

/// Brotli quality: 5 compresses the 58 KB status page to about gzip -9's size in well under a
/// millisecond more than gzip; 11 would take tens of milliseconds per render.
pub const BROTLI_QUALITY: u32 = 5;
/// Brotli window (log2 of bytes): at most brotli's default, 22, and no larger than the body needs
/// (the output is as small; a smaller window is a smaller table to clear: 0.9 ms less for the
/// national page's 330 KB). Never below 17: at 16 brotli switches to another match finder that
/// took 8.6 ms instead of 0.8 for a 54 KB county page.
fn brotli_window(len: usize) -> u32 {
    let needed = usize::BITS - len.saturating_sub(1).leading_zeros();
    needed.clamp(17, 22)
}
/// gzip level, as `gzip -9` (the benchmark's nginx serves files precompressed the same way).
/// flate2 runs on its zlib-rs backend (Cargo.toml): level 9 of the national page's 330 KB takes
/// 3.8 ms there against 5.5 ms on miniz_oxide, flate2's default, for the same size.
pub const GZIP_LEVEL: u32 = 9;
/// Smaller bodies are sent as they are: the coding would save less than its headers cost.
pub const MIN_COMPRESS_BYTES: usize = 256;
/// From this size on, gzip runs on a thread of its own beside brotli: compressing then takes
/// milliseconds, starting a thread some microseconds.
const PARALLEL_COMPRESS_BYTES: usize = 32 * 1024;

/// A content coding, in the order of preference when a client accepts several equally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The token in `Accept-Encoding` and `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }

    /// What the coding adds to the body's entity tag, so each coding has a tag of its own.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Brotli => "-br",
            Coding::Gzip => "-gz",
            Coding::Identity => "",
        }
    }
}

/// Whether a response of this type is text worth compressing.
pub fn is_compressible(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ct.starts_with("text/")
        || matches!(
            ct.as_str(),
            "application/json"
                | "application/atom+xml"
                | "application/xml"
                | "image/svg+xml"
                | "application/javascript"
        )
}

/// One body in every coding made for it (identity first).
#[derive(Debug, Clone)]
pub struct Encoded {
    pub variants: Vec<(Coding, Bytes)>,
}

impl Encoded {
    /// `body` as it is, and compressed when its type is text and it is large enough. A coding that
    /// fails (it cannot, writing to memory) or does not make the body smaller is left out.
    pub fn of(body: Bytes, content_type: &str) -> Self {
        let mut variants = vec![(Coding::Identity, body.clone())];
        if body.len() >= MIN_COMPRESS_BYTES && is_compressible(content_type) {
            let (br, gz) = if body.len() >= PARALLEL_COMPRESS_BYTES {
                // The two codings side by side: a large page (the national agreement's, 320 KB)
                // spends most of its render compressing; on two cores this halves that wait.
                std::thread::scope(|s| {
                    let gz = s.spawn(|| gzip(&body));
                    let br = brotli(&body);
                    (br, gz.join().ok().flatten())
                })
            } else {
                (brotli(&body), gzip(&body))
            };
            for (coding, compressed) in [(Coding::Brotli, br), (Coding::Gzip, gz)] {
                if let Some(c) = compressed.filter(|c| c.len() < body.len()) {
                    variants.push((coding, Bytes::from(c)));
                }
            }
        }
        Self { variants }
    }

    pub fn codings(&self) -> Vec<Coding> {
        self.variants.iter().map(|(c, _)| *c).collect()
    }

    pub fn get(&self, coding: Coding) -> Option<&Bytes> {
        self.variants.iter().find(|(c, _)| *c == coding).map(|(_, b)| b)
    }

    /// Whether more than one coding exists (then caches must `Vary: Accept-Encoding`).
    pub fn varies(&self) -> bool {
        self.variants.len() > 1
    }
}

/// A 200 answer with a precompressed static body (the stylesheets): the best coding the request
/// allows, `Vary: Accept-Encoding`; 406 if it refuses them all.
pub fn respond_static(
    req: &actix_web::HttpRequest,
    encoded: &Encoded,
    content_type: &str,
    cache_control: actix_web::http::header::CacheControl,
) -> actix_web::HttpResponse {
    use actix_web::http::header::{CONTENT_ENCODING, VARY};
    let Some(coding) = negotiate(req.headers(), &encoded.codings()) else {
        return actix_web::HttpResponse::NotAcceptable().insert_header((VARY, "Accept-Encoding")).finish();
    };
    let mut ok = actix_web::HttpResponse::Ok();
    ok.content_type(content_type).insert_header(cache_control).insert_header((VARY, "Accept-Encoding"));
    if coding != Coding::Identity {
        ok.insert_header((CONTENT_ENCODING, coding.token()));
    }
    ok.body(encoded.get(coding).cloned().unwrap_or_default())
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, brotli_window(body.len()));
        writer.write_all(body).ok()?;
        writer.flush().ok()?;
    }
    Some(out)
}

/// The coding to answer with, among `available` (which always holds identity), for a request
/// with these headers; `None` when the client refuses every one of them (406).
pub fn negotiate(headers: &HeaderMap, available: &[Coding]) -> Option<Coding> {
    let values: Vec<&str> = headers.get_all(ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        // No header: any coding is acceptable (RFC 9110), but a client that says nothing may not
        // decode anything; identity is what every client reads.
        return Some(Coding::Identity);
    }
    let mut listed: Vec<(String, f32)> = Vec::new();
    for item in values.iter().flat_map(|v| v.split(',')) {
        let mut parts = item.split(';');
        let token = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if token.is_empty() {
            continue;
        }
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        listed.push((token, q));
    }
    let star = listed.iter().find(|(t, _)| t == "*").map(|(_, q)| *q);
    let q_of = |coding: Coding| -> f32 {
        if let Some((_, q)) =
            listed.iter().find(|(t, _)| t == coding.token() || (coding == Coding::Gzip && t == "x-gzip"))
        {
            return *q;
        }
        match (coding, star) {
            (_, Some(q)) => q,
            // Identity is acceptable unless refused by name or by `*;q=0`, but only as the last
            // choice: `br;q=0.5` still prefers br to an unlisted identity.
            (Coding::Identity, None) => 0.001,
            (_, None) => 0.0,
        }
    };
    // The highest q wins; among equals, the order of `Coding` (smallest first).
    let mut best: Option<(Coding, f32)> = None;
    for &coding in [Coding::Brotli, Coding::Gzip, Coding::Identity].iter().filter(|c| available.contains(c)) {
        let q = q_of(coding);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((coding, q));
        }
    }
    best.map(|(c, _)| c)
}

/// Middleware: compresses what the response cache does not hold (staff pages, the report archive,
/// error pages, `/metrics`) per response, in the coding the request prefers. Left as they are:
/// responses that have a coding or an `ETag` already (the cache's, which carry their own codings
/// and a tag per coding), streamed bodies (the audit log's CSV), bodies too small or not text.
pub async fn compress_uncached(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::body::{BodySize, BoxBody, MessageBody};
    use actix_web::http::header::{HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG, VARY};
    // Nothing is taken from the request before the answer is known: most answers are the
    // cache's and pass untouched; the request's headers are still at hand in the response.
    let res = next.call(req).await?.map_into_boxed_body();
    let content_type = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let worth = matches!(res.response().body().size(), BodySize::Sized(n) if n as usize >= MIN_COMPRESS_BYTES)
        && !res.headers().contains_key(CONTENT_ENCODING)
        && !res.headers().contains_key(ETAG)
        && is_compressible(&content_type);
    if !worth {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let encoded = Encoded::of(bytes.clone(), &content_type);
    // A client that refuses every coding gets the body as it is: these are pages, not files.
    let coding = negotiate(req.headers(), &encoded.codings()).unwrap_or(Coding::Identity);
    let headers = head.headers_mut();
    if encoded.varies() {
        headers.append(VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if coding != Coding::Identity {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding.token()));
    }
    headers.remove(CONTENT_LENGTH);
    let body = encoded.get(coding).cloned().unwrap_or(bytes);
    Ok(actix_web::dev::ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::http::header::HeaderValue;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        h
    }

    const ALL: [Coding; 3] = [Coding::Identity, Coding::Brotli, Coding::Gzip];

    #[test]
    fn picks_the_best_coding_the_client_allows() {
        assert_eq!(negotiate(&HeaderMap::new(), &ALL), Some(Coding::Identity));
        assert_eq!(negotiate(&accept("gzip, deflate, br"), &ALL), Some(Coding::Brotli));
        assert_eq!(negotiate(&accept("gzip"), &ALL), Some(Coding::Gzip));
        assert_eq!(negotiate(&accept("GZIP;q=0.8, br;q=0.5"), &ALL), Some(Coding::Gzip));
        assert_eq!(negotiate(&accept("br;q=0.1"), &ALL), Some(Coding::Brotli));
        assert_eq!(negotiate(&accept("br;q=0.1, identity"), &ALL), Some(Coding::Identity));
        assert_eq!(negotiate(&accept("br;q=0, gzip;q=0"), &ALL), Some(Coding::Identity));
        assert_eq!(negotiate(&accept("*"), &ALL), Some(Coding::Brotli));
        assert_eq!(negotiate(&accept("identity"), &ALL), Some(Coding::Identity));
        assert_eq!(negotiate(&accept("deflate"), &ALL), Some(Coding::Identity));
        assert_eq!(negotiate(&accept(""), &ALL), Some(Coding::Identity));
        // identity refused, by name or by `*;q=0`.
        assert_eq!(negotiate(&accept("identity;q=0, gzip"), &ALL), Some(Coding::Gzip));
        assert_eq!(negotiate(&accept("identity;q=0"), &ALL), None);
        assert_eq!(negotiate(&accept("*;q=0"), &ALL), None);
        assert_eq!(negotiate(&accept("gzip, identity;q=0"), &[Coding::Identity]), None);
        // Only what exists is offered.
        assert_eq!(negotiate(&accept("br"), &[Coding::Identity, Coding::Gzip]), Some(Coding::Identity));
    }

    #[test]
    fn the_brotli_window_fits_the_body() {
        assert_eq!(brotli_window(300), 17, "17 at the least: brotli is slow at 16");
        assert_eq!(brotli_window(1 << 17), 17);
        assert_eq!(brotli_window((1 << 17) + 1), 18);
        assert_eq!(brotli_window(330_000), 19);
        assert_eq!(brotli_window(50 << 20), 22, "never above brotli's default");
    }

    #[test]
    fn each_coding_decodes_to_the_body() {
        // Below and above the size from which the two codings are made in parallel.
        for body in [Bytes::from("<p>Antaget</p>\n".repeat(200)), Bytes::from("<p>Antaget</p>\n".repeat(20_000))] {
            decodes_to(body);
        }
        // Small or binary bodies stay as they are.
        assert!(!Encoded::of(Bytes::from_static(b"{}"), "application/json").varies());
        assert!(!Encoded::of(Bytes::from(vec![0u8; 4096]), "image/png").varies());
    }

    fn decodes_to(body: Bytes) {
        let encoded = Encoded::of(body.clone(), "text/html; charset=utf-8");
        assert_eq!(encoded.codings(), [Coding::Identity, Coding::Brotli, Coding::Gzip]);
        let mut gunzipped = Vec::new();
        flate2::read::GzDecoder::new(&encoded.get(Coding::Gzip).unwrap()[..]).read_to_end(&mut gunzipped).unwrap();
        assert_eq!(gunzipped, body);
        let mut unbrotli = Vec::new();
        brotli::Decompressor::new(&encoded.get(Coding::Brotli).unwrap()[..], 4096).read_to_end(&mut unbrotli).unwrap();
        assert_eq!(unbrotli, body);
    }
}
