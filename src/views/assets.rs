//! The one stylesheet, embedded in the binary and served at a path that changes with its
//! content, so that it can be cached for a year (`Cache-Control: immutable`).

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

const BASE_CSS: &str = include_str!("site.css");

/// The stylesheet: `site.css` plus the generated focus rules of the county map.
pub static CSS: LazyLock<String> = LazyLock::new(|| format!("{BASE_CSS}\n{}", super::map::focus_layer_css(60)));

/// `/static/site-<first 12 hex digits of its SHA-256>.css`.
pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS.as_str().as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("/static/site-{hex}.css")
});
