//! Fast and fresh: rendered GET responses kept in memory until the next write, served with a
//! strong `ETag`, and answered with 304 Not Modified when the client already has them.
//!
//! Freshness does not rest on a timer: every committed write to an agreement bumps that
//! agreement's generation ([`crate::generations`]), and the cache drops what it rendered for that
//! agreement under an older generation (and everything rendered on an earlier day, since "today"
//! moves the as-of date of default views). A write therefore shows on the very next request, and
//! a write to one agreement leaves every other agreement's entries as they were. Clients are told
//! `max-age=0, must-revalidate`: they keep their copy but ask each time, and the answer is usually
//! a bodiless 304 because the `ETag` is a hash of the body — a write that does not change a given
//! file leaves its `ETag`, and so the clients' copies, valid.
//!
//! A miss renders from the agreement's [`Snapshot`] of its current generation, loaded once and
//! shared by every key (another `?datum=`, the CSV, the API) until the next write to it, so a
//! miss costs a render, not a reload of the log.
//!
//! A handler opts in with [`cached_keyed`] (one agreement's data) or [`cached_site`] (pages that
//! show every agreement), under a key made of the parameters it takes ([`CacheKey::new`]), so
//! that parameters it ignores do not make new entries; see their docs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::agreement::{Agreement, Catalogue};
use crate::compression::{self, Coding, Encoded};
use crate::db::DbError;
use crate::snapshot::Snapshot;
use crate::AppState;

/// The `Cache-Control` of every cached response: shared caches may keep it, but everyone must
/// revalidate before reuse, so a write is visible at once.
pub const CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";
/// At most this many responses are kept. Keys come from query strings, which anyone can vary.
pub const DEFAULT_MAX_ENTRIES: usize = 512;
/// At most this many body bytes are kept in all.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// What a handler renders: the body, its content type and any further headers (e.g.
/// `Content-Disposition`). Rendered once per generation, served many times.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub content_type: String,
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Rendered {
    pub fn new(content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Self { content_type: content_type.into(), body: body.into(), headers: Vec::new() }
    }

    /// An HTML page (`text/html; charset=utf-8`).
    pub fn html(markup: maud::Markup) -> Self {
        Self::new("text/html; charset=utf-8", markup.into_string())
    }

    /// A JSON document (`application/json`).
    pub fn json<T: serde::Serialize>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self::new("application/json", serde_json::to_vec(value)?))
    }

    /// Adds a header sent with every 200 answer.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A rendered response with its `ETag`, ready to answer any number of requests: the body in
/// every content coding made for it ([`compression`]), each with a strong tag of its own. The
/// header values a hit sends are made here, once, not on every hit (bench/RESULTS.md).
#[derive(Debug)]
pub struct CachedResponse {
    rendered: Rendered,
    content_type: HeaderValue,
    /// Identity first; each coding's bytes with its tag (the identity body's tag with the coding's
    /// suffix inside the quotes).
    variants: Vec<Variant>,
    codings: Vec<Coding>,
    /// The identity body's tag, quotes included.
    etag: String,
}

#[derive(Debug)]
struct Variant {
    coding: Coding,
    body: Bytes,
    etag: HeaderValue,
}

impl CachedResponse {
    pub fn new(rendered: Rendered) -> Self {
        let etag = etag_of(&rendered.body);
        let encoded = Encoded::of(rendered.body.clone(), &rendered.content_type);
        let variants: Vec<Variant> = encoded
            .variants
            .into_iter()
            .map(|(coding, body)| {
                let tag = match coding {
                    Coding::Identity => etag.clone(),
                    other => format!("{}{}\"", etag.trim_end_matches('"'), other.etag_suffix()),
                };
                // A hex digest in quotes is always a valid header value.
                let etag = HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
                Variant { coding, body, etag }
            })
            .collect();
        let codings = variants.iter().map(|v| v.coding).collect();
        let content_type = HeaderValue::from_str(&rendered.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
        Self { rendered, content_type, variants, codings, etag }
    }

    /// The strong entity tag of the identity body, quotes included.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// Every coding's bytes count against the cache's size.
    fn size(&self) -> usize {
        self.variants.iter().map(|v| v.body.len()).sum()
    }

    /// 304 without a body if the request's `If-None-Match` names the tag of the coding it gets,
    /// else 200 in that coding; 406 if it refuses every coding there is.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        self.respond_marked(req, None)
    }

    fn respond_marked(&self, req: &HttpRequest, marker: Option<&'static str>) -> HttpResponse {
        let chosen = compression::negotiate(req.headers(), &self.codings)
            .and_then(|coding| self.variants.iter().find(|v| v.coding == coding));
        let Some(variant) = chosen else {
            return HttpResponse::NotAcceptable()
                .insert_header((header::VARY, "Accept-Encoding"))
                .content_type("text/plain; charset=utf-8")
                .body("Svaret finns bara okomprimerat eller som gzip eller br, och begäran godtar ingen av dem.");
        };
        let not_modified = if_none_match_matches(req, &variant.etag);
        let mut builder = if not_modified {
            HttpResponse::NotModified()
        } else {
            let mut ok = HttpResponse::Ok();
            ok.insert_header((header::CONTENT_TYPE, self.content_type.clone()));
            for (name, value) in &self.rendered.headers {
                ok.insert_header((name.clone(), value.clone()));
            }
            if variant.coding != Coding::Identity {
                ok.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(variant.coding.token())));
            }
            ok
        };
        if self.variants.len() > 1 {
            builder.insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
        }
        builder.insert_header((header::ETAG, variant.etag.clone()));
        builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL)));
        if let Some(marker) = marker {
            builder.insert_header(("X-Cache", HeaderValue::from_static(marker)));
        }
        if not_modified {
            builder.finish()
        } else {
            builder.body(variant.body.clone())
        }
    }
}

/// A strong tag: the first 128 bits of the body's SHA-256, so equal bodies share a tag across
/// generations and restarts.
fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// RFC 9110 §13.1.2: `*` or a list of tags compared weakly (a `W/` prefix is ignored).
fn if_none_match_matches(req: &HttpRequest, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else { return false };
    req.headers().get_all(header::IF_NONE_MATCH).filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
    })
}

/// The key a response is cached under: the path and the query parameters that matter, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(String);

impl CacheKey {
    /// `path` with exactly these parameters (in this order): for handlers that ignore
    /// unknown parameters, so that those do not make new entries.
    pub fn new(path: &str, params: &[(&str, &str)]) -> Self {
        let query = serde_urlencoded::to_string(params).unwrap_or_default();
        if query.is_empty() {
            Self(path.to_string())
        } else {
            Self(format!("{path}?{query}"))
        }
    }
}

/// Answers a GET about one agreement from the cache, or renders it from that agreement's
/// [`Snapshot`] on a miss (the snapshot is loaded and `render` runs on the blocking pool, not on
/// the async worker). Validate the query *before* calling this: a refusal should not be cached,
/// and `render` should not fail for bad input.
///
/// ```ignore
/// async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, MyError> {
///     let as_of = parse_datum(&req)?;                       // 400 before the cache
///     let agreement = state.catalogue().await?.featured().clone();
///     let key = CacheKey::new("/sida", &[("datum", &as_of.to_string())]);
///     http_cache::cached_keyed(&req, &state, &agreement, key, move |snapshot| {
///         Ok(Rendered::html(views::status_page(snapshot, as_of)))
///     })
///     .await
/// }
/// ```
pub async fn cached_keyed<E, F>(
    req: &HttpRequest,
    state: &AppState,
    agreement: &Agreement,
    key: CacheKey,
    render: F,
) -> Result<HttpResponse, E>
where
    F: FnOnce(&Snapshot) -> Result<Rendered, E> + Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    let agreement_id = agreement.id;
    cached(req, state, Scope::Agreement(agreement_id), key, move |site| {
        let snapshot = site.snapshot::<E>(agreement_id)?;
        render(&snapshot)
    })
    .await
}

/// Like [`cached_keyed`] for a page that shows more than one agreement: it is rendered again
/// after a write to any of them. `render` gets each agreement's snapshot through [`Site`].
pub async fn cached_site<E, F>(req: &HttpRequest, state: &AppState, key: CacheKey, render: F) -> Result<HttpResponse, E>
where
    F: FnOnce(&Site) -> Result<Rendered, E> + Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    cached(req, state, Scope::Site, key, render).await
}

/// Every agreement's snapshot, loaded on first use and shared with the other entries.
pub struct Site<'a> {
    pub catalogue: Arc<Catalogue>,
    state: &'a AppState,
    db: &'a crate::db::Db,
}

impl Site<'_> {
    /// The agreement's snapshot of its current generation.
    pub fn snapshot<E>(&self, agreement_id: i32) -> Result<Arc<Snapshot>, E>
    where
        E: From<DbError> + From<diesel::result::Error>,
    {
        let stamp = Stamp::now(self.state, Scope::Agreement(agreement_id));
        self.state.cache.snapshot_or_refresh(
            agreement_id,
            stamp,
            || {
                self.state.metrics.snapshot_loaded(false);
                self.db.read_blocking(|c| Snapshot::load(c, agreement_id).map_err(E::from))
            },
            |held| {
                let refreshed = self.db.read_blocking(|c| held.refreshed(c).map_err(E::from))?;
                if refreshed.is_some() {
                    self.state.metrics.snapshot_loaded(true);
                }
                Ok(refreshed)
            },
        )
    }
}

async fn cached<E, F>(
    req: &HttpRequest,
    state: &AppState,
    scope: Scope,
    key: CacheKey,
    render: F,
) -> Result<HttpResponse, E>
where
    F: FnOnce(&Site) -> Result<Rendered, E> + Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    let stamp = Stamp::now(state, scope);
    if let Some(hit) = state.cache.get(scope, &key, stamp) {
        return Ok(hit.respond_marked(req, Some("hit")));
    }
    // One render per key at a time: after a write, the readers waiting on a page wait for the one
    // render of it instead of each loading and rendering it (on two cores, 64 readers of `/`
    // re-rendering after every write kept the page stale for most of a second; bench/RESULTS.md).
    let arrival = stamp;
    let _render_turn = state.cache.render_lock(&key).lock().await;
    // What was rendered while this request waited is fresh for it, even if another write has
    // committed since: it shows every write made before the request came. Without this, under a
    // stream of writes a reader could wait through render after render.
    if let Some(hit) = state.cache.get_at_least(scope, &key, arrival) {
        return Ok(hit.respond_marked(req, Some("hit")));
    }
    let stamp = Stamp::now(state, scope);
    let catalogue = state.catalogue().await.map_err(E::from)?;
    let worker_state = state.clone();
    let fresh = state
        .db
        .run(move |db| {
            let site = Site { catalogue, state: &worker_state, db };
            // `run` carries the request's demo scope along: the renderers write the demo mark
            // into the body, before its tag and its compressed forms are made here.
            let rendered = render(&site)?;
            Ok::<_, E>(CachedResponse::new(rendered))
        })
        .await?;
    let fresh = Arc::new(fresh);
    // Kept only if no write committed meanwhile: the render may predate it.
    if Stamp::now(state, scope) == stamp {
        state.cache.insert(scope, key, stamp, Arc::clone(&fresh));
    }
    Ok(fresh.respond_marked(req, Some("miss")))
}

/// What a cached entry is valid for: the epoch (moved by changes to everything: agreements,
/// parties, another instance's writes we cannot place), its scope's write generation and the day
/// (default views are as of today). Compared in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Stamp {
    epoch: u64,
    generation: u64,
    day: NaiveDate,
}

impl Stamp {
    fn now(state: &AppState, scope: Scope) -> Self {
        let generations = state.generations();
        let generation = match scope {
            Scope::Agreement(id) => generations.of(id),
            Scope::Site => generations.any(),
        };
        Stamp { epoch: generations.epoch(), generation, day: crate::clock::today() }
    }
}

/// The store: a bounded map, least recently used evicted first.
#[derive(Debug)]
pub struct ResponseCache {
    inner: Mutex<Inner>,
    max_entries: usize,
    max_bytes: usize,
    /// Turns to render, by the key's hash: bounded however many keys clients make up; two keys
    /// sharing a stripe only render one after the other.
    render_locks: Vec<tokio::sync::Mutex<()>>,
    /// Each agreement's log as loaded for a generation. The lock is held while loading, so after
    /// a write the misses of all keys wait for one load instead of each loading the log.
    snapshots: Mutex<HashMap<i32, (Stamp, Arc<Snapshot>)>>,
}

const RENDER_STRIPES: usize = 64;

#[derive(Debug, Default)]
struct Inner {
    /// What each scope's entries were rendered at.
    stamps: HashMap<Scope, Stamp>,
    entries: HashMap<CacheKey, Slot>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug)]
struct Slot {
    scope: Scope,
    response: Arc<CachedResponse>,
    last_used: u64,
}

/// Whose data an entry shows: one agreement's, or every agreement's (a party page listing the
/// party's standing in each, the list of agreements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Agreement(i32),
    Site,
}

impl Default for ResponseCache {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES)
    }
}

impl ResponseCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            max_entries: max_entries.max(1),
            max_bytes,
            render_locks: (0..RENDER_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            snapshots: Mutex::new(HashMap::new()),
        }
    }

    /// The agreement's snapshot of `stamp` (or of a newer one, which is only fresher), loaded with
    /// `load` if none is held. Runs on the blocking pool: the lock is held across the load.
    #[cfg(test)]
    pub(crate) fn snapshot<E>(
        &self,
        agreement_id: i32,
        stamp: Stamp,
        load: impl FnOnce() -> Result<Snapshot, E>,
    ) -> Result<Arc<Snapshot>, E> {
        self.snapshot_or_refresh(agreement_id, stamp, load, |_| Ok(None))
    }

    /// As [`Self::snapshot`], but a snapshot held from an older generation of the same epoch is
    /// first offered to `refresh` (which appends what was written since, see
    /// [`Snapshot::refreshed`]); only if it gives `None` is the whole log loaded.
    pub(crate) fn snapshot_or_refresh<E>(
        &self,
        agreement_id: i32,
        stamp: Stamp,
        load: impl FnOnce() -> Result<Snapshot, E>,
        refresh: impl FnOnce(&Snapshot) -> Result<Option<Snapshot>, E>,
    ) -> Result<Arc<Snapshot>, E> {
        let mut held = self.snapshots.lock().unwrap_or_else(|poisoned| {
            let mut slots = poisoned.into_inner();
            slots.clear();
            slots
        });
        let mut refreshed = None;
        if let Some((held_stamp, snapshot)) = held.get(&agreement_id) {
            if held_stamp.epoch > stamp.epoch
                || (held_stamp.epoch == stamp.epoch && held_stamp.generation >= stamp.generation)
            {
                return Ok(Arc::clone(snapshot));
            }
            // Only writes to this agreement came between: its definition and parties are as held.
            if held_stamp.epoch == stamp.epoch {
                refreshed = refresh(snapshot)?;
            }
        }
        let snapshot = Arc::new(match refreshed {
            Some(snapshot) => snapshot,
            None => load()?,
        });
        held.insert(agreement_id, (stamp, Arc::clone(&snapshot)));
        Ok(snapshot)
    }

    fn render_lock(&self, key: &CacheKey) -> &tokio::sync::Mutex<()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        &self.render_locks[(hash % RENDER_STRIPES as u64) as usize]
    }

    /// Number of responses held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Body bytes held.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock may have left the accounting half done: start over.
        self.inner.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            inner.clear();
            inner
        })
    }

    fn get(&self, scope: Scope, key: &CacheKey, stamp: Stamp) -> Option<Arc<CachedResponse>> {
        let mut inner = self.lock();
        if !inner.advance(scope, stamp) {
            return None;
        }
        inner.touch(key)
    }

    /// The entry for `key` if the cache holds one rendered at `stamp` or later (a newer
    /// generation and the same or a later day).
    fn get_at_least(&self, scope: Scope, key: &CacheKey, stamp: Stamp) -> Option<Arc<CachedResponse>> {
        let mut inner = self.lock();
        let current = *inner.stamps.get(&scope)?;
        if (current.epoch, current.generation) < (stamp.epoch, stamp.generation) || current.day < stamp.day {
            return None;
        }
        inner.touch(key)
    }

    fn insert(&self, scope: Scope, key: CacheKey, stamp: Stamp, response: Arc<CachedResponse>) {
        let size = response.size();
        // One huge body may not push out everything else.
        if size > self.max_bytes / 4 {
            return;
        }
        let mut inner = self.lock();
        if !inner.advance(scope, stamp) {
            return;
        }
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.response.size();
        }
        while !inner.entries.is_empty()
            && (inner.entries.len() >= self.max_entries || inner.bytes + size > self.max_bytes)
        {
            inner.evict_least_recently_used();
        }
        inner.clock += 1;
        let last_used = inner.clock;
        inner.bytes += size;
        inner.entries.insert(key, Slot { scope, response, last_used });
    }
}

impl Inner {
    /// The entry for `key`, marked as just used.
    fn touch(&mut self, key: &CacheKey) -> Option<Arc<CachedResponse>> {
        self.clock += 1;
        let clock = self.clock;
        let slot = self.entries.get_mut(key)?;
        slot.last_used = clock;
        Some(Arc::clone(&slot.response))
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.stamps.clear();
        self.bytes = 0;
    }

    /// Moves the scope forward to `stamp` (dropping its older entries, and no other scope's);
    /// false if `stamp` is older than what the scope already holds (a request that began before
    /// a write).
    fn advance(&mut self, scope: Scope, stamp: Stamp) -> bool {
        match self.stamps.get(&scope) {
            Some(current) if *current == stamp => true,
            Some(current) if *current > stamp => false,
            _ => {
                let mut freed = 0;
                self.entries.retain(|_, slot| {
                    let keep = slot.scope != scope;
                    if !keep {
                        freed += slot.response.size();
                    }
                    keep
                });
                self.bytes -= freed;
                self.stamps.insert(scope, stamp);
                true
            }
        }
    }

    fn evict_least_recently_used(&mut self) {
        // A linear scan: the map holds a few hundred entries, and eviction only happens when
        // it is full.
        let oldest = self.entries.iter().min_by_key(|(_, slot)| slot.last_used).map(|(key, _)| key.clone());
        if let Some(key) = oldest {
            if let Some(slot) = self.entries.remove(&key) {
                self.bytes -= slot.response.size();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    const A: Scope = Scope::Agreement(1);

    fn stamp(generation: u64) -> Stamp {
        Stamp { epoch: 0, generation, day: NaiveDate::from_ymd_opt(2026, 3, 24).expect("date") }
    }

    fn response(body: &str) -> Arc<CachedResponse> {
        Arc::new(CachedResponse::new(Rendered::new("text/plain", body.to_string())))
    }

    fn key(n: usize) -> CacheKey {
        CacheKey::new("/data/status.csv", &[("datum", &format!("k{n}"))])
    }

    #[test]
    fn the_entry_cap_holds() {
        let cache = ResponseCache::new(8, 1 << 20);
        for n in 0..100 {
            cache.insert(A, key(n), stamp(1), response("x"));
            assert!(cache.len() <= 8);
        }
        assert_eq!(cache.len(), 8);
        assert!(cache.get(A, &key(99), stamp(1)).is_some());
        assert!(cache.get(A, &key(0), stamp(1)).is_none());
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let cache = ResponseCache::new(3, 1 << 20);
        for n in 0..3 {
            cache.insert(A, key(n), stamp(1), response("x"));
        }
        assert!(cache.get(A, &key(0), stamp(1)).is_some());
        cache.insert(A, key(3), stamp(1), response("x"));
        assert!(cache.get(A, &key(0), stamp(1)).is_some(), "recently read, kept");
        assert!(cache.get(A, &key(1), stamp(1)).is_none(), "least recently used, evicted");
    }

    #[test]
    fn the_byte_cap_holds() {
        let cache = ResponseCache::new(1000, 400);
        for n in 0..50 {
            cache.insert(A, key(n), stamp(1), response(&"y".repeat(60)));
            assert!(cache.bytes() <= 400);
        }
        assert_eq!(cache.len(), 6);
        cache.insert(A, key(1000), stamp(1), response(&"z".repeat(101)));
        assert!(cache.get(A, &key(1000), stamp(1)).is_none(), "over a quarter of the budget: not kept");
    }

    #[test]
    fn a_waiting_request_takes_what_was_rendered_since_it_came_but_nothing_older() {
        let cache = ResponseCache::new(10, 1 << 20);
        cache.insert(A, key(1), stamp(5), response("gen 5"));
        assert!(cache.get_at_least(A, &key(1), stamp(6)).is_none(), "older than the request");
        assert!(cache.get_at_least(A, &key(1), stamp(5)).is_some());
        assert!(cache.get_at_least(A, &key(1), stamp(4)).is_some(), "newer than the request: fresh enough");
        assert!(cache.get_at_least(A, &key(2), stamp(4)).is_none(), "another key");
        let tomorrow = Stamp { day: stamp(5).day.succ_opt().expect("date"), ..stamp(5) };
        assert!(cache.get_at_least(A, &key(1), tomorrow).is_none(), "rendered on an earlier day");
        assert!(cache.get(A, &key(1), stamp(5)).is_some(), "get_at_least leaves the entries alone");
    }

    #[test]
    fn the_snapshot_is_loaded_once_per_generation_and_never_replaced_by_an_older_one() {
        let cache = ResponseCache::new(10, 1 << 20);
        let loads = std::cell::Cell::new(0);
        let load = |n: usize| {
            loads.set(loads.get() + 1);
            Ok::<_, ()>(crate::snapshot::tests::snapshot_with_events(n))
        };
        assert_eq!(cache.snapshot(1, stamp(3), || load(1)).expect("loaded").events.len(), 1);
        assert_eq!(cache.snapshot(1, stamp(3), || load(2)).expect("held").events.len(), 1, "same generation: held");
        assert_eq!(
            cache.snapshot(1, stamp(2), || load(3)).expect("held").events.len(),
            1,
            "older: the newer is fresher"
        );
        assert_eq!(cache.snapshot(1, stamp(4), || load(4)).expect("loaded").events.len(), 4, "newer: reloaded");
        assert_eq!(loads.get(), 2);
        assert!(cache.snapshot(1, stamp(5), || Err(())).is_err(), "a failed load is passed on");
        assert_eq!(cache.snapshot(1, stamp(4), || load(9)).expect("held").events.len(), 4, "and keeps what was held");
    }

    #[test]
    fn a_new_generation_or_day_drops_everything_and_old_renders_are_not_kept() {
        let cache = ResponseCache::new(10, 1 << 20);
        cache.insert(A, key(1), stamp(1), response("a"));
        assert!(cache.get(A, &key(1), stamp(2)).is_none());
        assert!(cache.is_empty());
        cache.insert(A, key(1), stamp(1), response("stale"));
        assert!(cache.is_empty(), "rendered before the write: not kept");
        cache.insert(A, key(1), stamp(2), response("b"));
        let next_day = Stamp { epoch: 0, generation: 2, day: NaiveDate::from_ymd_opt(2026, 3, 25).expect("date") };
        assert!(cache.get(A, &key(1), next_day).is_none());
    }

    #[test]
    fn a_write_to_one_agreement_leaves_the_other_agreements_entries() {
        let cache = ResponseCache::new(10, 1 << 20);
        let b = Scope::Agreement(2);
        cache.insert(A, key(1), stamp(1), response("a"));
        cache.insert(b, key(2), stamp(7), response("b"));
        cache.insert(Scope::Site, key(3), stamp(8), response("site"));
        assert!(cache.get(A, &key(1), stamp(2)).is_none(), "A moved on: its entry is stale");
        assert!(cache.get(b, &key(2), stamp(7)).is_some(), "B's entry stays");
        assert!(cache.get(Scope::Site, &key(3), stamp(8)).is_some());
        assert_eq!(cache.len(), 2);
        let next_epoch = Stamp { epoch: 1, ..stamp(7) };
        assert!(cache.get(b, &key(2), next_epoch).is_none(), "a new epoch makes every scope stale");
    }

    #[test]
    fn each_agreement_has_its_own_snapshot() {
        let cache = ResponseCache::new(10, 1 << 20);
        let one = cache.snapshot(1, stamp(1), || Ok::<_, ()>(crate::snapshot::tests::snapshot_with_events(1)));
        let two = cache.snapshot(2, stamp(1), || Ok::<_, ()>(crate::snapshot::tests::snapshot_with_events(2)));
        assert_eq!(one.expect("loaded").events.len(), 1);
        assert_eq!(two.expect("loaded").events.len(), 2);
        let held = cache.snapshot(1, stamp(1), || Err(()));
        assert_eq!(held.expect("held").events.len(), 1, "agreement 1's is still held");
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_accepts_lists_and_star() {
        let r = CachedResponse::new(Rendered::new("text/plain", "body"));
        let tag = r.etag().to_string();
        let with = |value: &str| TestRequest::get().insert_header((header::IF_NONE_MATCH, value)).to_http_request();
        assert_eq!(r.respond(&with(&tag)).status(), 304);
        assert_eq!(r.respond(&with(&format!("\"other\", W/{tag}"))).status(), 304);
        assert_eq!(r.respond(&with("*")).status(), 304);
        assert_eq!(r.respond(&with("\"other\"")).status(), 200);
        assert_eq!(r.respond(&TestRequest::get().to_http_request()).status(), 200);
    }
}
